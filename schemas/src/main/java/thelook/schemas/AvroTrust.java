package thelook.schemas;

/**
 * Avro 1.12 only instantiates generated classes from trusted packages, and reads the list once when
 * its validator class loads. Call {@link #install()} first thing in every main() so that
 * {@code java -jar} needs no -D flag; an operator's own -D setting is left alone.
 */
public final class AvroTrust {
    public static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    public static final String PACKAGES = "thelook.avro,thelook.avro.internal";

    private AvroTrust() {}

    public static void install() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, PACKAGES);
        }
    }
}
