package thelook.backfill.source;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.utils.Utils;

/**
 * Temp dirs that say who owns them: the replay plan's sorted runs (about 480 MB for 100,000 generated users),
 * a generated source's CSVs, a replay's work dir. Each holds a file naming its owner: host, process id and
 * that process's start time. A process killed with {@code kill -9} (or by the OOM killer) cannot delete its
 * dirs, so every new one first removes the dirs of its kind whose owner is gone: same host, and no process
 * with that id, or one started at another time (the id was reused). A dir without the file, of another host
 * (a temp dir shared with containers), or of a living owner is left alone. No library here does this
 * (commons-io and Kafka's Utils delete, but know no owners), hence by hand.
 */
public final class OwnedTempDirs {
    static final String OWNER_FILE = ".thelook-owner";

    private OwnedTempDirs() {}

    /** A new dir named {@code prefix...} in the system temp dir, after removing that kind's orphans there. */
    public static Path create(String prefix) throws IOException {
        Path root = Path.of(System.getProperty("java.io.tmpdir"));
        removeOrphans(root, prefix);
        Path dir = Files.createTempDirectory(root, prefix);
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(dir.resolve(OWNER_FILE), owner(self.pid(), startOf(self)), StandardCharsets.UTF_8);
        return dir;
    }

    /** Deletes the dir and everything in it. */
    public static void delete(Path dir) throws IOException {
        Utils.delete(dir.toFile());
    }

    /** Removes the dirs named {@code prefix...} under {@code root} whose owner is gone; returns how many. */
    static int removeOrphans(Path root, String prefix) {
        int removed = 0;
        String host = host(); // once: it may ask the resolver
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, prefix + "*")) {
            for (Path dir : dirs) {
                if (orphaned(dir, host)) {
                    try {
                        delete(dir);
                        removed++;
                    } catch (IOException e) {
                        // another user's, or being removed by another process: left
                    }
                }
            }
        } catch (IOException e) {
            // the temp dir cannot be listed: nothing to remove
        }
        return removed;
    }

    private static boolean orphaned(Path dir, String host) {
        String[] owner;
        try {
            owner = Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.UTF_8).trim().split(" ");
        } catch (IOException e) {
            return false; // no owner file (yet, or an older version's dir)
        }
        if (owner.length != 3 || !owner[0].equals(host)) {
            return false;
        }
        Optional<ProcessHandle> process;
        try {
            process = ProcessHandle.of(Long.parseLong(owner[1]));
        } catch (NumberFormatException e) {
            return false;
        }
        return process.isEmpty() || !process.get().isAlive() || !startOf(process.get()).equals(owner[2]);
    }

    static String owner(long pid, String start) {
        return host() + " " + pid + " " + start;
    }

    private static String startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse("unknown");
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (IOException e) {
            return "unknown";
        }
    }
}
