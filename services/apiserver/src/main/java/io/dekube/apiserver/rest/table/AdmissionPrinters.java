package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.name;

import java.util.List;

/** The table of validating and mutating webhook configurations, with kube's columns: Name, Webhooks, Age. */
final class AdmissionPrinters {

  private AdmissionPrinters() {
  }

  static TablePrinter webhookConfigurations() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Webhooks", "Webhooks indicates the number of webhooks registered in this configuration"),
        Column.AGE),
        (config, now) -> List.of(name(config), (long) config.path("webhooks").size(), age(config, now)));
  }
}
