package thelook.schemas.registry;

import java.util.Map;

/**
 * What a registry serde does beyond talking to the registry, under Confluent's config names.
 *
 * @param autoRegister     {@code auto.register.schemas} (default true): a writer registers its schema;
 *                         when false it must already be registered under the subject
 * @param useLatestVersion {@code use.latest.version} (default false): write with the subject's latest
 *                         version instead of the record's own schema (fields matched by name)
 * @param specificReader   {@code specific.avro.reader} (default false): decode into generated classes
 */
public record SerdeSettings(boolean autoRegister, boolean useLatestVersion, SubjectNameStrategy keyStrategy,
                            SubjectNameStrategy valueStrategy, boolean specificReader) {
    public static final String AUTO_REGISTER = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String SPECIFIC_READER = "specific.avro.reader";

    public static SerdeSettings from(Map<String, ?> config) {
        return new SerdeSettings(
                RegistryConfig.flag(config, AUTO_REGISTER, true),
                RegistryConfig.flag(config, USE_LATEST_VERSION, false),
                SubjectNameStrategy.parse(SubjectNameStrategy.KEY_CONFIG,
                        RegistryConfig.string(config, SubjectNameStrategy.KEY_CONFIG, null)),
                SubjectNameStrategy.parse(SubjectNameStrategy.VALUE_CONFIG,
                        RegistryConfig.string(config, SubjectNameStrategy.VALUE_CONFIG, null)),
                RegistryConfig.flag(config, SPECIFIC_READER, false));
    }

    public SubjectNameStrategy strategy(boolean isKey) {
        return isKey ? keyStrategy : valueStrategy;
    }
}
