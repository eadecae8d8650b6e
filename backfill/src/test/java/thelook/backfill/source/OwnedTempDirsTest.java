package thelook.backfill.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Orphans are the dirs of processes that are gone; everything else stays. */
class OwnedTempDirsTest {
    @TempDir
    Path root;

    @Test
    void removesOnlyTheDirsOfOwnersThatAreGone() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        String startOfFinished = finished.info().startInstant().map(Object::toString).orElse("unknown");
        finished.waitFor();
        ProcessHandle self = ProcessHandle.current();
        String selfStart = self.info().startInstant().map(Object::toString).orElseThrow();

        Path dead = owned("thelook-x-dead", OwnedTempDirs.owner(finished.pid(), startOfFinished));
        Files.writeString(dead.resolve("run-1.bin"), "sorted rows");
        Path reused = owned("thelook-x-reused", OwnedTempDirs.owner(self.pid(), "2001-01-01T00:00:00Z")); // the id, another start
        Path alive = owned("thelook-x-alive", OwnedTempDirs.owner(self.pid(), selfStart));
        Path otherHost = owned("thelook-x-other-host", "another-host " + finished.pid() + " " + startOfFinished);
        Path unowned = Files.createDirectory(root.resolve("thelook-x-unowned"));
        Path otherKind = owned("thelook-y-dead", OwnedTempDirs.owner(finished.pid(), startOfFinished));

        assertThat(OwnedTempDirs.removeOrphans(root, "thelook-x-")).isEqualTo(2);
        assertThat(dead).doesNotExist();
        assertThat(reused).doesNotExist();
        assertThat(alive).exists();
        assertThat(otherHost).exists();
        assertThat(unowned).exists();
        assertThat(otherKind).exists();
    }

    @Test
    void aNewDirNamesThisProcessAndDeleteTakesItWhole() throws Exception {
        Path dir = OwnedTempDirs.create("thelook-owned-test-");
        try {
            assertThat(dir.getFileName().toString()).startsWith("thelook-owned-test-");
            assertThat(Files.readString(dir.resolve(OwnedTempDirs.OWNER_FILE), StandardCharsets.UTF_8))
                    .contains(" " + ProcessHandle.current().pid() + " ");
            assertThat(OwnedTempDirs.removeOrphans(dir.getParent(), "thelook-owned-test-")).isZero(); // its owner runs
            Files.writeString(dir.resolve("part.csv"), "id\n1\n");
        } finally {
            OwnedTempDirs.delete(dir);
        }
        assertThat(dir).doesNotExist();
    }

    private Path owned(String name, String owner) throws Exception {
        Path dir = Files.createDirectory(root.resolve(name));
        Files.writeString(dir.resolve(OwnedTempDirs.OWNER_FILE), owner, StandardCharsets.UTF_8);
        return dir;
    }
}
