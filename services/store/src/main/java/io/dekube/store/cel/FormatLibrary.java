package io.dekube.store.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import io.dekube.store.admission.Validators;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * kube's CEL {@code format} library (k8s.io/apiserver/pkg/cel/library/format.go, since 1.31):
 * {@code format.dns1123Label()}... and {@code format.named('name')} (an optional) give a named format
 * whose {@code validate(s)} is {@code optional.none()} for a valid string, else the list of kube's
 * validation messages ({@code format.dns1123Label().validate(self.name).hasValue()}). Stateless.
 */
final class FormatLibrary {

  static final CelType FORMAT = OpaqueType.create("kubernetes.NamedFormat");
  private static final Pattern UUID = Pattern.compile(
      "(?i)(^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)|(^[0-9a-f]{32}$)");

  /** One named format: kube's name and its validation. */
  record NamedFormat(String name, Function<String, List<String>> validate) {
  }

  static final Map<String, NamedFormat> FORMATS = formats();

  private FormatLibrary() {
  }

  private static Map<String, NamedFormat> formats() {
    Map<String, NamedFormat> m = new LinkedHashMap<>();
    m.put("dns1123Label", new NamedFormat("DNS1123Label", Validators::dns1123Label));
    m.put("dns1123Subdomain", new NamedFormat("DNS1123Subdomain", Validators::dns1123Subdomain));
    m.put("dns1035Label", new NamedFormat("DNS1035Label", Validators::dns1035Label));
    m.put("qualifiedName", new NamedFormat("QualifiedName", Validators::qualifiedName));
    m.put("dns1123LabelPrefix", new NamedFormat("DNS1123LabelPrefix",
        s -> Validators.dns1123Label(maskTrailingDash(s))));
    m.put("dns1123SubdomainPrefix", new NamedFormat("DNS1123SubdomainPrefix",
        s -> Validators.dns1123Subdomain(maskTrailingDash(s))));
    m.put("dns1035LabelPrefix", new NamedFormat("DNS1035LabelPrefix",
        s -> Validators.dns1035Label(maskTrailingDash(s))));
    m.put("labelValue", new NamedFormat("LabelValue", Validators::labelValue));
    m.put("uri", new NamedFormat("URI", s -> KubeUrl.valid(s) ? List.of()
        : List.of("parse \"" + s + "\": invalid URI for request")));
    m.put("uuid", new NamedFormat("uuid", s -> UUID.matcher(s).find() ? List.of()
        : List.of("does not match the UUID format")));
    m.put("byte", new NamedFormat("byte", s -> base64(s) ? List.of() : List.of("invalid base64")));
    m.put("date", new NamedFormat("date", s -> date(s) ? List.of() : List.of("invalid date")));
    m.put("datetime", new NamedFormat("datetime", s -> dateTime(s) ? List.of() : List.of("invalid datetime")));
    return Map.copyOf(m);
  }

  /** kube's {@code maskTrailingDash}: a prefix may end in '-' (the last two characters become "a"). */
  private static String maskTrailingDash(String s) {
    return s.length() > 1 && s.endsWith("-") ? s.substring(0, s.length() - 2) + "a" : s;
  }

  private static boolean base64(String s) {
    try {
      Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean date(String s) {
    try {
      LocalDate.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean dateTime(String s) {
    return CelValues.formatted(s, "date-time") instanceof Instant;
  }

  static List<CelFunctionDecl> declarations() {
    List<CelFunctionDecl> d = new ArrayList<>();
    d.add(CelFunctionDecl.newFunctionDeclaration("validate", CelOverloadDecl.newMemberOverload("format-validate",
        OptionalType.create(ListType.create(SimpleType.STRING)), FORMAT, SimpleType.STRING)));
    d.add(CelFunctionDecl.newFunctionDeclaration("format.named", CelOverloadDecl.newGlobalOverload("format-named",
        OptionalType.create(FORMAT), SimpleType.STRING)));
    for (String name : FORMATS.keySet()) {
      d.add(CelFunctionDecl.newFunctionDeclaration("format." + name,
          CelOverloadDecl.newGlobalOverload("format." + name, FORMAT)));
    }
    return d;
  }

  static List<CelFunctionBinding> bindings() {
    List<CelFunctionBinding> b = new ArrayList<>();
    b.add(CelFunctionBinding.from("format-validate", NamedFormat.class, String.class, (f, s) -> {
      List<String> errs = f.validate().apply(s);
      return errs.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(errs));
    }));
    b.add(CelFunctionBinding.from("format-named", String.class, n -> Optional.ofNullable(FORMATS.get(n))));
    FORMATS.forEach((name, f) -> b.add(CelFunctionBinding.from("format." + name, List.of(), args -> f)));
    return b;
  }
}
