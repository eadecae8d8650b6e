package thelook.streams.regression;

import java.util.Map;
import thelook.schemas.TopicSerdes;
import thelook.schemas.registry.RegistryConfig;

/** The regression suite runs with the registry in the path: the in-memory one, as the embedded mode has. */
final class TestSerdes {
    static final String URL = "mock://regression";
    static final TopicSerdes REGISTRY = TopicSerdes.withRegistry(Map.of(RegistryConfig.URL, URL));

    private TestSerdes() {}
}
