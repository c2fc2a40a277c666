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

  /**
   * The rows' objects in the order kube's list printer gives them: most keep the list's order (by
   * name); FlowSchemas come by matching precedence.
   */
  default List<ObjectNode> ordered(List<ObjectNode> objects) {
    return objects;
  }

  /** {@code printer} with its list's rows sorted by {@code order}. */
  static TablePrinter sorted(TablePrinter printer, java.util.Comparator<ObjectNode> order) {
    return new TablePrinter() {
      @Override
      public List<Column> columns() {
        return printer.columns();
      }

      @Override
      public List<Object> cells(ObjectNode object, Instant now) {
        return printer.cells(object, now);
      }

      @Override
      public ArrayNode conditions(ObjectNode object) {
        return printer.conditions(object);
      }

      @Override
      public List<ObjectNode> ordered(List<ObjectNode> objects) {
        return objects.stream().sorted(order).toList();
      }
    };
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
