package dev.agentrpc.example.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON object the fleet page's endpoints answer with, built as a protobuf {@link Struct}
 * so that {@link JsonFormat} does the escaping. Numbers are doubles, as in JavaScript.
 */
final class Json {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private final Struct.Builder object = Struct.newBuilder();

  static Json object() {
    return new Json();
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException when {@code text} is not one
   */
  static Struct parse(String text) {
    Struct.Builder parsed = Struct.newBuilder();
    try {
      PARSER.merge(text, parsed);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("the request body is not a JSON object");
    }
    return parsed.build();
  }

  /** {@code key} of {@code object} as text: a string, a number written as a whole number, or null. */
  static String text(Struct object, String key) {
    Value value = object.getFieldsOrDefault(key, null);
    if (value == null) {
      return null;
    }
    switch (value.getKindCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case NUMBER_VALUE:
        double number = value.getNumberValue();
        return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number) : Double.toString(number);
      case NULL_VALUE:
        return null;
      default:
        throw new IllegalArgumentException("'" + key + "' must be a string or a number");
    }
  }

  Json put(String key, String value) {
    object.putFields(key, value == null ? Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build() : string(value));
    return this;
  }

  Json put(String key, double value) {
    object.putFields(key, Value.newBuilder().setNumberValue(value).build());
    return this;
  }

  Json put(String key, boolean value) {
    object.putFields(key, Value.newBuilder().setBoolValue(value).build());
    return this;
  }

  Json put(String key, Map<String, String> strings) {
    Json map = object();
    new TreeMap<>(strings).forEach(map::put);
    object.putFields(key, map.value());
    return this;
  }

  Json putObjects(String key, List<Json> objects) {
    ListValue.Builder list = ListValue.newBuilder();
    for (Json item : objects) {
      list.addValues(item.value());
    }
    object.putFields(key, Value.newBuilder().setListValue(list).build());
    return this;
  }

  Json putStrings(String key, List<String> strings) {
    ListValue.Builder list = ListValue.newBuilder();
    for (String item : strings) {
      list.addValues(string(item));
    }
    object.putFields(key, Value.newBuilder().setListValue(list).build());
    return this;
  }

  private Value value() {
    return Value.newBuilder().setStructValue(object).build();
  }

  private static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

  @Override
  public String toString() {
    try {
      return PRINTER.print(object);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a Struct always prints", e);
    }
  }
}
