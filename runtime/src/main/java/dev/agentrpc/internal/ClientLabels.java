package dev.agentrpc.internal;

import java.util.Map;

/**
 * The rule for the labels a client declares in Hello: at most {@value #MAX_LABELS} labels;
 * keys of 1 to {@value #MAX_KEY_LENGTH} ASCII letters, digits and {@code . _ - /}; values of
 * at most {@value #MAX_VALUE_LENGTH} characters with no control characters. Checked by the
 * server on Hello and by clients when they are built. Internal API.
 */
public final class ClientLabels {
  public static final int MAX_LABELS = 64;
  public static final int MAX_KEY_LENGTH = 63;
  public static final int MAX_VALUE_LENGTH = 256;

  private ClientLabels() {}

  /**
   * An unmodifiable copy of {@code labels}.
   *
   * @throws IllegalArgumentException if they break the rule
   */
  public static Map<String, String> checked(Map<String, String> labels) {
    Map<String, String> copy = Map.copyOf(labels);
    String problem = problem(copy);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return copy;
  }

  /** Why {@code labels} are not valid, or {@code null} when they are. */
  public static String problem(Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      return labels.size() + " labels; the limit is " + MAX_LABELS;
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String problem = keyProblem(label.getKey());
      if (problem != null) {
        return problem;
      }
      String value = label.getValue();
      if (value.length() > MAX_VALUE_LENGTH) {
        return "the value of label '" + label.getKey() + "' is " + value.length()
            + " characters long; the limit is " + MAX_VALUE_LENGTH;
      }
      for (int i = 0; i < value.length(); i++) {
        if (Character.isISOControl(value.charAt(i))) {
          return "the value of label '" + label.getKey() + "' has a control character at index " + i;
        }
      }
    }
    return null;
  }

  /** Why {@code key} is not a valid label key, or {@code null} when it is. */
  public static String keyProblem(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return "label key \"" + printable(key) + "\" must be 1 to " + MAX_KEY_LENGTH + " characters long";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == '/';
      if (!allowed) {
        return "label key \"" + printable(key)
            + "\" has a character other than ASCII letters, digits and . _ - / at index " + i;
      }
    }
    return null;
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 80));
    for (int i = 0; i < text.length() && i < 80; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
