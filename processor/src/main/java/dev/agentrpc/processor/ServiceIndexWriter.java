package dev.agentrpc.processor;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import javax.annotation.processing.Filer;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes a service's index entry: the resource {@code META-INF/agentrpc/services/<binary name>},
 * whose lines {@code proxy=} and {@code handlers=} name its generated classes. Frameworks (the
 * Spring Boot starter) list that folder to find every service on the classpath without scanning
 * classes. The file is UTF-8. One file per service, with the interface as its only originating element, keeps the
 * processor isolating, and entries from several jars merge without a merge step.
 */
final class ServiceIndexWriter {
  /** The folder of the entries, relative to the class output. */
  static final String FOLDER = "META-INF/agentrpc/services/";

  private final Elements elements;
  private final Filer filer;

  ServiceIndexWriter(Elements elements, Filer filer) {
    this.elements = elements;
    this.filer = filer;
  }

  void write(ServiceModel service) throws IOException {
    String name = elements.getBinaryName(service.element()).toString();
    FileObject entry =
        filer.createResource(StandardLocation.CLASS_OUTPUT, "", FOLDER + name, service.element());
    try (Writer out =
        new OutputStreamWriter(entry.openOutputStream(), StandardCharsets.UTF_8)) {
      out.write("proxy=" + service.proxy().reflectionName() + "\n");
      out.write("handlers=" + service.handlers().reflectionName() + "\n");
    }
  }
}
