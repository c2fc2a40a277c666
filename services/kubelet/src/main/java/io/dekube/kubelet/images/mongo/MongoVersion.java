package io.dekube.kubelet.images.mongo;

/**
 * The MongoDB release a {@code mongo} image tag names: {@code 5.0} is 5.0.31, {@code 8}/{@code latest} 8.0.4, a full
 * {@code x.y.z} itself; with the wire version its server speaks and whether the image still has the legacy
 * {@code mongo} shell (5.0 and older). Pure.
 */
record MongoVersion(String number, int maxWireVersion, String mongosh) {

  static MongoVersion of(String tag) {
    String t = tag == null ? "latest" : tag.replaceFirst("^(\\d+(\\.\\d+)*).*$", "$1");
    String number = switch (t) {
      case "4", "4.4" -> "4.4.29";
      case "5", "5.0" -> "5.0.31";
      case "6", "6.0" -> "6.0.20";
      case "7", "7.0" -> "7.0.16";
      case "8", "8.0" -> "8.0.4";
      default -> t.matches("\\d+\\.\\d+\\.\\d+") ? t : "8.0.4";
    };
    String[] p = number.split("\\.");
    int major = Integer.parseInt(p[0]);
    int minor = Integer.parseInt(p[1]);
    int wire = major >= 8 ? 25 : major == 7 ? 21 : major == 6 ? 17 : major == 5 ? 13 : major == 4 && minor >= 4 ? 9
        : 8;
    return new MongoVersion(number, wire, "2.3.4");
  }

  int major() {
    return Integer.parseInt(number.split("\\.")[0]);
  }

  /** {@code 5.0} of {@code 5.0.31}: the featureCompatibilityVersion. */
  String featureCompatibility() {
    return number.substring(0, number.lastIndexOf('.'));
  }

  /** Whether the image has the legacy {@code mongo} shell beside {@code mongosh} (5.0 and older). */
  boolean hasLegacyShell() {
    return major() <= 5;
  }
}
