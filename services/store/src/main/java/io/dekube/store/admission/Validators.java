package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The name and value checks of Kubernetes' {@code apimachinery/pkg/util/validation}. Pure, thread-safe. */
public final class Validators {

  private static final String LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*";
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL_FMT);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(SUBDOMAIN_FMT);
  private static final String QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern QNAME = Pattern.compile(QNAME_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile("(" + QNAME_FMT + ")?");
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Pattern IANA_SVC = Pattern.compile("[-a-z0-9]+");

  private Validators() {
  }

  /** Errors for an RFC 1123 label (namespace, container and port names); empty when valid. */
  public static List<String> dns1123Label(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL.matcher(v).matches()) {
      errs.add("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
          + "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
          + "validation is '" + LABEL_FMT + "')");
    }
    return errs;
  }

  private static final String DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_FMT);

  /** Errors for an RFC 1035 label (service names); empty when valid. */
  public static List<String> dns1035Label(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1035_LABEL.matcher(v).matches()) {
      errs.add("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
          + "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex "
          + "used for validation is '" + DNS1035_FMT + "')");
    }
    return errs;
  }

  /** Errors for an RFC 1123 subdomain (most object names); empty when valid. */
  public static List<String> dns1123Subdomain(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(v).matches()) {
      errs.add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
          + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
          + "validation is '" + SUBDOMAIN_FMT + "')");
    }
    return errs;
  }

  /** Errors for a qualified name such as a label key: {@code [prefix/]name}. */
  public static List<String> qualifiedName(String v) {
    List<String> errs = new ArrayList<>();
    String[] parts = v.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      name = parts[1];
      if (prefix.isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        dns1123Subdomain(prefix).forEach(e -> errs.add("prefix part " + e));
      }
    } else {
      errs.add("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
          + "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
          + "validation is '" + QNAME_FMT + "') with an optional DNS subdomain prefix and '/' (e.g. "
          + "'example.com/MyName')");
      return errs;
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part must be no more than 63 characters");
    }
    if (!name.isEmpty() && !QNAME.matcher(name).matches()) {
      errs.add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
          + "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
          + "is '" + QNAME_FMT + "')");
    }
    return errs;
  }

  /** Errors for a label value. */
  public static List<String> labelValue(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(v).matches()) {
      errs.add("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
          + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
          + "'12345', regex used for validation is '(" + QNAME_FMT + ")?')");
    }
    return errs;
  }

  /** Errors for a ConfigMap or Secret data key. */
  public static List<String> configMapKey(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!CONFIG_KEY.matcher(v).matches()) {
      errs.add("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
          + "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
    }
    if (v.equals(".")) {
      errs.add("must not be '.'");
    } else if (v.equals("..")) {
      errs.add("must not be '..'");
    } else if (v.startsWith("..")) {
      errs.add("must not start with '..'");
    }
    return errs;
  }

  /** Errors for an environment variable name. */
  public static List<String> envVarName(String v) {
    List<String> errs = new ArrayList<>();
    // RelaxedEnvironmentVariableValidation is beta and on in 1.32: kube's IsRelaxedEnvVarName, not IsEnvVarName's
    // '[-._a-zA-Z][-._a-zA-Z0-9]*', so "1st" and "MY VAR" are names ("Define Environment Variables for a Container")
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '=') {
        errs.add("a valid environment variable name must consist only of printable ASCII characters other than '='");
        break;
      }
    }
    return errs;
  }

  /** Errors for an IANA service name (a named port). */
  public static List<String> portName(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 15) {
      errs.add("must be no more than 15 characters");
    }
    if (!IANA_SVC.matcher(v).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (v.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (v.chars().noneMatch(Character::isLetter)) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (v.startsWith("-") || v.endsWith("-")) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }

  /** Whether a port number is in 1..65535. */
  public static boolean validPort(JsonNode v) {
    return v != null && v.canConvertToInt() && v.isIntegralNumber() && v.asInt() >= 1 && v.asInt() <= 65535;
  }

  /** The error for a port number out of range. */
  public static final String PORT_RANGE = "must be between 1 and 65535, inclusive";
}
