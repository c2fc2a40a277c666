package io.dekube.kubelet.runtime;

import java.util.Arrays;
import java.util.List;

/**
 * The many-per-line layouts of {@code ls}, which it uses when its output is a terminal (or with {@code -C} and
 * {@code -x}): busybox's — every column as wide as the longest name and two spaces, as many as fit in one less
 * than the terminal's width — and GNU coreutils' (Debian's and Ubuntu's images) — the most columns whose own
 * widths (a column's longest name, two spaces between columns) fit in the line, filled down the columns or, with
 * {@code -x}, across. A decision: the gaps are spaces where GNU ls may put tabs, which a terminal shows alike.
 * Pure.
 */
final class LsColumns {

  /** GNU ls's narrowest column: one character and the two spaces after it. */
  private static final int MIN_COLUMN_WIDTH = 3;

  private LsColumns() {
  }

  /** busybox's layout of {@code names} on a terminal {@code width} columns wide; {@code across} for {@code -x}. */
  static String busybox(List<String> names, int width, boolean across) {
    int n = names.size();
    if (n == 0) {
      return "";
    }
    int columnWidth = names.stream().mapToInt(LsColumns::width).max().orElse(0) + 2;
    int cols = (width - 1) / columnWidth; // busybox goes one less than the terminal's width
    int rows = n;
    if (cols > 1) {
      rows = (n + cols - 1) / cols;
    } else {
      cols = 1;
    }
    StringBuilder b = new StringBuilder();
    for (int row = 0; row < rows; row++) {
      int column = 0;
      int nextTab = 0;
      for (int nc = 0; nc < cols; nc++) {
        int i = across ? row * cols + nc : nc * rows + row;
        if (i < n) {
          if (column > 0) {
            b.append(" ".repeat(nextTab - column));
            column = nextTab;
          }
          nextTab = column + columnWidth;
          b.append(names.get(i));
          column += width(names.get(i));
        }
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** GNU ls's layout of {@code names} in a line of {@code lineLength} columns; {@code across} for {@code -x}. */
  static String gnu(List<String> names, int lineLength, boolean across) {
    int n = names.size();
    if (n == 0) {
      return "";
    }
    int[] widths = names.stream().mapToInt(LsColumns::width).toArray();
    int[] columnWidths = columnWidths(widths, lineLength, !across);
    int cols = columnWidths.length;
    StringBuilder b = new StringBuilder();
    if (across) {
      for (int i = 0; i < n; i++) {
        int col = i % cols;
        if (i > 0 && col == 0) {
          b.append('\n');
        } else if (i > 0) {
          b.append(" ".repeat(columnWidths[col - 1] - widths[i - 1]));
        }
        b.append(names.get(i));
      }
      return b.append('\n').toString();
    }
    int rows = n / cols + (n % cols != 0 ? 1 : 0);
    for (int row = 0; row < rows; row++) {
      int col = 0;
      for (int i = row; ; i += rows) {
        b.append(names.get(i));
        if (n - rows <= i) {
          break;
        }
        b.append(" ".repeat(columnWidths[col++] - widths[i]));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /**
   * GNU's choice of columns: for each count of columns, each column's width (its longest name, plus two
   * spaces but for the last column) while their sum stays under the line's length; the most columns that fit,
   * their widths.
   */
  private static int[] columnWidths(int[] widths, int lineLength, boolean byColumns) {
    int n = widths.length;
    int maxCols = Math.min(Math.max(1, lineLength / MIN_COLUMN_WIDTH), n);
    boolean[] valid = new boolean[maxCols];
    int[] lineLen = new int[maxCols];
    int[][] cols = new int[maxCols][];
    for (int i = 0; i < maxCols; i++) {
      valid[i] = true;
      lineLen[i] = (i + 1) * MIN_COLUMN_WIDTH;
      cols[i] = new int[i + 1];
      Arrays.fill(cols[i], MIN_COLUMN_WIDTH);
    }
    for (int f = 0; f < n; f++) {
      for (int i = 0; i < maxCols; i++) {
        if (!valid[i]) {
          continue;
        }
        int idx = byColumns ? f / ((n + i) / (i + 1)) : f % (i + 1);
        int real = widths[f] + (idx == i ? 0 : 2);
        if (cols[i][idx] < real) {
          lineLen[i] += real - cols[i][idx];
          cols[i][idx] = real;
          valid[i] = lineLen[i] < lineLength;
        }
      }
    }
    int chosen = maxCols;
    while (chosen > 1 && !valid[chosen - 1]) {
      chosen--;
    }
    return cols[chosen - 1];
  }

  /** The columns a name takes on a terminal: one per character. */
  private static int width(String name) {
    return name.codePointCount(0, name.length());
  }
}
