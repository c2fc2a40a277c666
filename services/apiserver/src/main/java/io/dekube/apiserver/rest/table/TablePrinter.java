package io.dekube.apiserver.rest.table;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The columns of one kind and how to fill a row from an object, as kube-apiserver's printers
 * do with {@code Wide: true} (all columns; the client hides priority 1 ones). Pure and
 * thread-safe.
 */
public interface TablePrinter {

  /** The column definitions, in cell order. */
  List<Column> columns();

  /**
   * The cells of an object's row: {@code String}, {@code Long} or {@code Boolean} values, one
   * per column.
   *
   * @param object the object (stored JSON form)
   * @param now    the time ages are measured to
   */
  List<Object> cells(ObjectNode object, Instant now);

  /** The row's {@code conditions} (e.g. a completed pod), or null. */
  default ArrayNode conditions(ObjectNode object) {
    return null;
  }

  /** A printer from columns and a cell function. */
  static TablePrinter of(List<Column> columns, BiFunction<ObjectNode, Instant, List<Object>> cells) {
    return new TablePrinter() {
      @Override
      public List<Column> columns() {
        return columns;
      }

      @Override
      public List<Object> cells(ObjectNode object, Instant now) {
        return cells.apply(object, now);
      }
    };
  }
}
