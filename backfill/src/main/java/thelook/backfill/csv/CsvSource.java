package thelook.backfill.csv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import thelook.backfill.source.BadInputException;
import thelook.backfill.source.TableReader;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;

/** {@code csv:DIR}: one {@code <table>.csv} per table (docs/marts.md section 1), each read by one reader. */
public final class CsvSource implements TableSource {
    private final Path dir;
    private final Map<TheLookTable, CsvTableFile> files;

    private CsvSource(Path dir, Map<TheLookTable, CsvTableFile> files) {
        this.dir = dir;
        this.files = files;
    }

    /** Checks every file's header (of the tables asked for) before any row is read. */
    public static CsvSource open(Path dir, Collection<TheLookTable> tables) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": not a directory");
        }
        Map<TheLookTable, CsvTableFile> files = new EnumMap<>(TheLookTable.class);
        for (TheLookTable table : tables) {
            CsvTableFile file = CsvTableFile.open(dir, table);
            if (file != null) {
                files.put(table, file);
            }
        }
        return new CsvSource(dir, files);
    }

    public static CsvSource open(Path dir) {
        return open(dir, List.of(TheLookTable.values()));
    }

    @Override
    public String describe() {
        return "csv:" + dir;
    }

    /** The directory and each file's size and modification time: a file rewritten since is a new snapshot. */
    @Override
    public String fingerprint() {
        StringBuilder s = new StringBuilder("csv:").append(dir.toAbsolutePath().normalize());
        for (CsvTableFile f : files.values()) {
            try {
                s.append(';').append(f.table().tableName()).append('=').append(Files.size(f.file())).append('@')
                        .append(Files.getLastModifiedTime(f.file()).toMillis());
            } catch (IOException e) {
                throw new BadInputException(f.file() + ": " + e.getMessage(), e);
            }
        }
        return s.toString();
    }

    @Override
    public Set<TheLookTable> tables() {
        return files.keySet();
    }

    @Override
    public long inputBytes() {
        return files.values().stream().mapToLong(CsvTableFile::sizeBytes).sum();
    }

    @Override
    public List<TableReader> readers(TheLookTable table) {
        CsvTableFile file = files.get(table);
        return file == null ? List.of() : List.of(file);
    }
}
