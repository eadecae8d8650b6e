package thelook.backfill.resume;

import java.util.Map;

/**
 * How far one backfill got: everything before {@code watermark} (event time, epoch micros) is in Kafka.
 * A restart re-plans the same snapshot and produces from the watermark on, so a record at the watermark
 * may be produced twice (harmless: the topology reads every topic as a changelog) but none is missed.
 *
 * @param fingerprint   the source's snapshot (see {@link thelook.backfill.source.TableSource#fingerprint}); a
 *                      checkpoint of another snapshot is not resumed
 * @param snapshotMicros the instant a BigQuery snapshot was read as of, so a resume reads the same rows; null for files
 * @param watermark     event time (epoch micros) up to which every record was acknowledged; Long.MIN_VALUE before the
 *                      first timed record
 * @param produced      records acknowledged in this backfill (over all its restarts)
 * @param perTable      of those, per table name
 * @param complete      the snapshot is produced entirely
 * @param followFrom    with {@code --follow}: the largest {@code created_at} (epoch micros) produced so far; null before
 * @param updated       when this was written (ISO-8601)
 */
public record Checkpoint(String fingerprint, Long snapshotMicros, long watermark, long produced, Map<String, Long> perTable,
                         boolean complete, Long followFrom, String updated) {}
