package dev.agentrpc.example.controller;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A plain-text table with a header row and left-aligned columns padded to their widest
 * cell; the last column is never padded, so long results stay whole.
 */
public final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table with these column headers. */
  public TextTable(String... header) {
    if (header.length == 0) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.header = List.of(header);
  }

  /**
   * Adds a row of exactly as many cells as there are columns; line breaks in a cell become
   * spaces.
   */
  public TextTable addRow(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "a row needs " + header.size() + " cells, got " + Arrays.toString(cells));
    }
    List<String> row = new ArrayList<>(cells.length);
    for (String cell : cells) {
      row.add(Objects.toString(cell, "").replaceAll("\\s*\\R\\s*", " "));
    }
    rows.add(row);
    return this;
  }

  /** The number of rows below the header. */
  public int size() {
    return rows.size();
  }

  /** The table's lines: the header, a rule, then one line per row; no trailing spaces. */
  public List<String> lines() {
    int columns = header.size();
    int[] widths = new int[columns];
    for (int c = 0; c < columns; c++) {
      widths[c] = header.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    List<String> lines = new ArrayList<>(rows.size() + 2);
    lines.add(line(header, widths));
    List<String> rule = new ArrayList<>(columns);
    for (int c = 0; c < columns; c++) {
      rule.add("-".repeat(widths[c]));
    }
    lines.add(line(rule, widths));
    for (List<String> row : rows) {
      lines.add(line(row, widths));
    }
    return lines;
  }

  /** {@link #lines()}, each ended by a newline. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (String line : lines()) {
      text.append(line).append('\n');
    }
    return text.toString();
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      if (c > 0) {
        line.append("  ");
      }
      String cell = cells.get(c);
      line.append(cell);
      if (c < cells.size() - 1) {
        line.append(" ".repeat(widths[c] - cell.length()));
      }
    }
    return line.toString().stripTrailing();
  }
}
