package dev.agentrpc.server;

import dev.agentrpc.internal.ClientLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A condition on the labels clients declare when they join, in the form Kubernetes users
 * know: comma-separated requirements that must all hold.
 *
 * <ul>
 *   <li>{@code region=eu}: the label is present with that value;
 *   <li>{@code region!=eu}: the label is absent or has another value;
 *   <li>{@code canary}: the label is present, with any value;
 *   <li>{@code !canary}: the label is absent.
 * </ul>
 *
 * <p>The empty selector matches every client. Immutable.
 */
public final class LabelSelector {
  private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), "");

  private final List<Requirement> requirements;
  private final String text;

  private LabelSelector(List<Requirement> requirements, String text) {
    this.requirements = requirements;
    this.text = text;
  }

  /** The selector matching every client. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses {@code selector}, e.g. {@code "region=eu,!canary"}.
   *
   * @throws IllegalArgumentException naming the requirement that does not parse
   */
  public static LabelSelector parse(String selector) {
    Objects.requireNonNull(selector, "selector");
    if (selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String part : selector.split(",", -1)) {
      requirements.add(Requirement.parse(part.trim(), selector));
    }
    return new LabelSelector(List.copyOf(requirements), selector.trim());
  }

  /** The selector requiring every label in {@code labels} with its value. */
  public static LabelSelector withLabels(Map<String, String> labels) {
    List<Requirement> requirements = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    labels.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            label -> {
              requirements.add(Requirement.of(label.getKey(), Operator.EQUALS, label.getValue(), label.toString()));
              text.append(text.length() == 0 ? "" : ",").append(label.getKey()).append('=').append(label.getValue());
            });
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(List.copyOf(requirements), text.toString());
  }

  /** Whether a client with {@code labels} is selected. */
  public boolean matches(Map<String, String> labels) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector && requirements.equals(((LabelSelector) o).requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** The selector in the form {@link #parse} reads. */
  @Override
  public String toString() {
    return text;
  }

  private enum Operator {
    EQUALS,
    NOT_EQUALS,
    EXISTS,
    ABSENT
  }

  private static final class Requirement {
    final String key;
    final Operator operator;
    final String value;

    private Requirement(String key, Operator operator, String value) {
      this.key = key;
      this.operator = operator;
      this.value = value;
    }

    static Requirement parse(String part, String selector) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException("label selector \"" + selector + "\" has an empty requirement");
      }
      int notEquals = part.indexOf("!=");
      if (notEquals >= 0) {
        return of(part.substring(0, notEquals).trim(), Operator.NOT_EQUALS, part.substring(notEquals + 2).trim(), selector);
      }
      int equals = part.indexOf('=');
      if (equals >= 0) {
        String value = part.substring(part.startsWith("==", equals) ? equals + 2 : equals + 1).trim();
        return of(part.substring(0, equals).trim(), Operator.EQUALS, value, selector);
      }
      if (part.startsWith("!")) {
        return of(part.substring(1).trim(), Operator.ABSENT, null, selector);
      }
      return of(part, Operator.EXISTS, null, selector);
    }

    static Requirement of(String key, Operator operator, String value, String selector) {
      String problem = ClientLabels.keyProblem(key);
      if (problem != null) {
        throw new IllegalArgumentException("label selector \"" + selector + "\": " + problem);
      }
      return new Requirement(key, operator, value);
    }

    boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      switch (operator) {
        case EQUALS:
          return value.equals(actual);
        case NOT_EQUALS:
          return !value.equals(actual);
        case EXISTS:
          return actual != null;
        default:
          return actual == null;
      }
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Requirement)) {
        return false;
      }
      Requirement that = (Requirement) o;
      return key.equals(that.key) && operator == that.operator && Objects.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return Objects.hash(key, operator, value);
    }
  }
}
