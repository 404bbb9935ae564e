package dev.agentrpc.internal;

/**
 * The rule for client names: 1 to {@value #MAX_LENGTH} characters of ASCII letters, digits
 * and {@code . _ - : @ /}. Checked by the server on Hello and by clients before they dial.
 * Internal API.
 */
public final class ClientNames {
  /** The longest name a server accepts. */
  public static final int MAX_LENGTH = 128;

  private ClientNames() {}

  /** Why {@code name} is not a valid client name, or {@code null} when it is. */
  public static String problem(String name) {
    if (name.isEmpty()) {
      return "client name is empty; give every client a unique name such as \"agent-7\"";
    }
    if (name.length() > MAX_LENGTH) {
      return "client name is " + name.length() + " characters long; the limit is " + MAX_LENGTH;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isAllowed(name.charAt(i))) {
        return "client name \""
            + printable(name)
            + "\" has a character other than ASCII letters, digits and . _ - : @ / at index "
            + i;
      }
    }
    return null;
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-'
        || c == ':'
        || c == '@'
        || c == '/';
  }

  private static String printable(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
