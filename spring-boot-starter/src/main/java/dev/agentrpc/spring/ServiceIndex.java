package dev.agentrpc.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.ClassUtils;

/**
 * The {@code @AgentService} interfaces on the classpath, from the entries the processor writes
 * under {@code META-INF/agentrpc/services/}: one file per interface, named by its binary name,
 * whose {@code proxy=} and {@code handlers=} lines name its generated classes. Read once, at
 * start-up.
 */
final class ServiceIndex {
  static final String LOCATION = "classpath*:META-INF/agentrpc/services/*";
  private static final Logger log = LoggerFactory.getLogger(ServiceIndex.class);

  /** One indexed service, its classes loaded. */
  record Service(Class<?> service, Class<?> proxy, Class<?> handlers) {}

  private ServiceIndex() {}

  /**
   * The indexed services whose classes load with {@code classLoader}, each once; an entry whose
   * classes are missing is logged and left out.
   */
  static List<Service> load(ClassLoader classLoader) {
    Resource[] entries;
    try {
      entries = new PathMatchingResourcePatternResolver(classLoader).getResources(LOCATION);
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + LOCATION, e);
    }
    Map<String, Service> services = new LinkedHashMap<>();
    for (Resource entry : entries) {
      String name = entry.getFilename();
      if (name == null || name.isEmpty() || services.containsKey(name)) {
        continue;
      }
      Properties lines = new Properties();
      try (InputStream in = entry.getInputStream()) {
        lines.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + entry, e);
      }
      try {
        services.put(
            name,
            new Service(
                ClassUtils.forName(name, classLoader),
                ClassUtils.forName(lines.getProperty("proxy", ""), classLoader),
                ClassUtils.forName(lines.getProperty("handlers", ""), classLoader)));
      } catch (ClassNotFoundException | LinkageError e) {
        log.warn("agentrpc: leaving out the indexed service {} ({}): {}", name, entry, e.toString());
      }
    }
    return new ArrayList<>(services.values());
  }
}
