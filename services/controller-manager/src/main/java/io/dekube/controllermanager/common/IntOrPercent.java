package io.dekube.controllermanager.common;

import io.fabric8.kubernetes.api.model.IntOrString;

/** kube's {@code GetScaledValueFromIntOrPercent}: an int, or a percentage of a total rounded up or down. Pure. */
public final class IntOrPercent {

  private IntOrPercent() {
  }

  /** The value; {@code dflt} when unset; a malformed percentage counts as 0. */
  public static int scaled(IntOrString v, int total, boolean roundUp, int dflt) {
    if (v == null || (v.getIntVal() == null && v.getStrVal() == null)) {
      return dflt;
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal().trim();
    if (!s.endsWith("%")) {
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    double pct;
    try {
      pct = Integer.parseInt(s.substring(0, s.length() - 1)) / 100.0;
    } catch (NumberFormatException e) {
      return 0;
    }
    return (int) (roundUp ? Math.ceil(total * pct) : Math.floor(total * pct));
  }
}
