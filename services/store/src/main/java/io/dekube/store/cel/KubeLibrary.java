package io.dekube.store.cel;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's own CEL libraries (k8s.io/apiserver/pkg/cel/library) that rules commonly use: lists
 * ({@code isSorted}, {@code sum}, {@code min}, {@code max}, {@code indexOf}, {@code lastIndexOf}),
 * regex ({@code find}, {@code findAll}), URLs ({@code url}, {@code isURL}, {@code getScheme}...)
 * and quantities ({@code quantity}, {@code isQuantity}, {@code compareTo}, {@code add}...).
 * Declarations for the compiler, bindings for the runtime. Stateless.
 */
final class KubeLibrary {

  static final CelType QUANTITY = OpaqueType.create("kubernetes.Quantity");
  static final CelType URL = OpaqueType.create("kubernetes.URL");
  private static final CelType T = TypeParamType.create("T");
  private static final CelType LIST_T = ListType.create(T);
  private static final CelType STR = SimpleType.STRING;
  private static final CelType INT = SimpleType.INT;
  private static final CelType BOOL = SimpleType.BOOL;
  private static final CelType DOUBLE = SimpleType.DOUBLE;

  private KubeLibrary() {
  }

  static List<CelFunctionDecl> declarations() {
    List<CelFunctionDecl> d = new ArrayList<>();
    d.add(fn("isSorted", member("list_is_sorted", BOOL, LIST_T)));
    d.add(fn("sum", member("list_sum", T, LIST_T)));
    d.add(fn("min", member("list_min", T, LIST_T)));
    d.add(fn("max", member("list_max", T, LIST_T)));
    d.add(fn("indexOf", member("list_index_of", INT, LIST_T, T)));
    d.add(fn("lastIndexOf", member("list_last_index_of", INT, LIST_T, T)));
    d.add(fn("find", member("string_find", STR, STR, STR)));
    d.add(fn("findAll", member("string_find_all", ListType.create(STR), STR, STR),
        member("string_find_all_n", ListType.create(STR), STR, STR, INT)));
    d.add(fn("url", global("string_to_url", URL, STR)));
    d.add(fn("isURL", global("is_url_string", BOOL, STR)));
    d.add(fn("getScheme", member("url_get_scheme", STR, URL)));
    d.add(fn("getHost", member("url_get_host", STR, URL)));
    d.add(fn("getHostname", member("url_get_hostname", STR, URL)));
    d.add(fn("getPort", member("url_get_port", STR, URL)));
    d.add(fn("getEscapedPath", member("url_get_escaped_path", STR, URL)));
    d.add(fn("getQuery", member("url_get_query", MapType.create(STR, ListType.create(STR)), URL)));
    d.add(fn("quantity", global("string_to_quantity", QUANTITY, STR)));
    d.add(fn("isQuantity", global("is_quantity_string", BOOL, STR)));
    d.add(fn("isInteger", member("quantity_is_integer", BOOL, QUANTITY)));
    d.add(fn("asInteger", member("quantity_get_int", INT, QUANTITY)));
    d.add(fn("asApproximateFloat", member("quantity_get_float", DOUBLE, QUANTITY)));
    d.add(fn("sign", member("quantity_sign", INT, QUANTITY)));
    d.add(fn("isGreaterThan", member("quantity_is_greater_than", BOOL, QUANTITY, QUANTITY)));
    d.add(fn("isLessThan", member("quantity_is_less_than", BOOL, QUANTITY, QUANTITY)));
    d.add(fn("compareTo", member("quantity_compare_to", INT, QUANTITY, QUANTITY)));
    d.add(fn("add", member("quantity_add", QUANTITY, QUANTITY, QUANTITY),
        member("quantity_add_int", QUANTITY, QUANTITY, INT)));
    d.add(fn("sub", member("quantity_sub", QUANTITY, QUANTITY, QUANTITY),
        member("quantity_sub_int", QUANTITY, QUANTITY, INT)));
    return d;
  }

  static List<CelFunctionBinding> bindings() {
    List<CelFunctionBinding> b = new ArrayList<>();
    b.add(CelFunctionBinding.from("list_is_sorted", List.class, KubeLibrary::isSorted));
    b.add(CelFunctionBinding.from("list_sum", List.class, KubeLibrary::sum));
    b.add(CelFunctionBinding.from("list_min", List.class, l -> extreme(l, -1)));
    b.add(CelFunctionBinding.from("list_max", List.class, l -> extreme(l, 1)));
    b.add(CelFunctionBinding.from("list_index_of", List.class, Object.class, (l, x) -> (long) l.indexOf(x)));
    b.add(CelFunctionBinding.from("list_last_index_of", List.class, Object.class, (l, x) -> (long) l.lastIndexOf(x)));
    b.add(CelFunctionBinding.from("string_find", String.class, String.class, (s, re) -> {
      Matcher m = regex(re).matcher(s);
      return m.find() ? m.group() : "";
    }));
    b.add(CelFunctionBinding.from("string_find_all", String.class, String.class, (s, re) -> findAll(s, re, -1)));
    b.add(CelFunctionBinding.from("string_find_all_n", List.of(String.class, String.class, Long.class),
        args -> findAll((String) args[0], (String) args[1], (Long) args[2])));
    b.add(CelFunctionBinding.from("string_to_url", String.class, s -> {
      try {
        return KubeUrl.parse(s);
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
    }));
    b.add(CelFunctionBinding.from("is_url_string", String.class, KubeUrl::valid));
    b.add(CelFunctionBinding.from("url_get_scheme", KubeUrl.class, KubeUrl::scheme));
    b.add(CelFunctionBinding.from("url_get_host", KubeUrl.class, KubeUrl::host));
    b.add(CelFunctionBinding.from("url_get_hostname", KubeUrl.class, KubeUrl::hostname));
    b.add(CelFunctionBinding.from("url_get_port", KubeUrl.class, KubeUrl::port));
    b.add(CelFunctionBinding.from("url_get_escaped_path", KubeUrl.class, KubeUrl::escapedPath));
    b.add(CelFunctionBinding.from("url_get_query", KubeUrl.class, KubeUrl::query));
    b.add(CelFunctionBinding.from("string_to_quantity", String.class, s -> {
      try {
        return KubeQuantity.parse(s);
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
    }));
    b.add(CelFunctionBinding.from("is_quantity_string", String.class, KubeQuantity::valid));
    b.add(CelFunctionBinding.from("quantity_is_integer", KubeQuantity.class, KubeQuantity::isInteger));
    b.add(CelFunctionBinding.from("quantity_get_int", KubeQuantity.class, q -> {
      try {
        return q.asInteger();
      } catch (ArithmeticException e) {
        throw error(e.getMessage());
      }
    }));
    b.add(CelFunctionBinding.from("quantity_get_float", KubeQuantity.class, KubeQuantity::asApproximateFloat));
    b.add(CelFunctionBinding.from("quantity_sign", KubeQuantity.class, KubeQuantity::sign));
    b.add(CelFunctionBinding.from("quantity_is_greater_than", KubeQuantity.class, KubeQuantity.class,
        (a, c) -> a.compareTo(c) > 0));
    b.add(CelFunctionBinding.from("quantity_is_less_than", KubeQuantity.class, KubeQuantity.class,
        (a, c) -> a.compareTo(c) < 0));
    b.add(CelFunctionBinding.from("quantity_compare_to", KubeQuantity.class, KubeQuantity.class,
        (a, c) -> (long) Integer.signum(a.compareTo(c))));
    b.add(CelFunctionBinding.from("quantity_add", KubeQuantity.class, KubeQuantity.class, KubeQuantity::add));
    b.add(CelFunctionBinding.from("quantity_add_int", KubeQuantity.class, Long.class,
        (a, n) -> a.add(KubeQuantity.of(n))));
    b.add(CelFunctionBinding.from("quantity_sub", KubeQuantity.class, KubeQuantity.class, KubeQuantity::sub));
    b.add(CelFunctionBinding.from("quantity_sub_int", KubeQuantity.class, Long.class,
        (a, n) -> a.sub(KubeQuantity.of(n))));
    return b;
  }

  static CelFunctionDecl fn(String name, CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }

  static CelOverloadDecl member(String id, CelType result, CelType... args) {
    return CelOverloadDecl.newMemberOverload(id, result, args);
  }

  static CelOverloadDecl global(String id, CelType result, CelType... args) {
    return CelOverloadDecl.newGlobalOverload(id, result, args);
  }

  static CelEvaluationException error(String message) {
    return CelEvaluationExceptionBuilder.newBuilder(message).build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) throws CelEvaluationException {
    if (a instanceof Number x && b instanceof Number y && !(a.getClass().equals(b.getClass()))) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof Comparable ca && a.getClass().equals(b.getClass())) {
      return ca.compareTo(b);
    }
    throw error("no such overload");
  }

  private static Object isSorted(List<?> l) throws CelEvaluationException {
    for (int i = 1; i < l.size(); i++) {
      if (compare(l.get(i - 1), l.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  private static Object sum(List<?> l) throws CelEvaluationException {
    if (l.isEmpty()) {
      return 0L;
    }
    if (l.get(0) instanceof Long) {
      long s = 0;
      for (Object o : l) {
        s = Math.addExact(s, (Long) o);
      }
      return s;
    }
    if (l.get(0) instanceof Double) {
      double s = 0;
      for (Object o : l) {
        s += (Double) o;
      }
      return s;
    }
    if (l.get(0) instanceof java.time.Duration) {
      java.time.Duration s = java.time.Duration.ZERO;
      for (Object o : l) {
        s = s.plus((java.time.Duration) o);
      }
      return s;
    }
    throw error("no such overload");
  }

  private static Object extreme(List<?> l, int sign) throws CelEvaluationException {
    if (l.isEmpty()) {
      throw error((sign < 0 ? "min" : "max") + " of empty list");
    }
    Object best = l.get(0);
    for (Object o : l) {
      if (compare(o, best) * sign > 0) {
        best = o;
      }
    }
    return best;
  }

  private static Pattern regex(String re) throws CelEvaluationException {
    try {
      return Pattern.compile(re);
    } catch (PatternSyntaxException e) {
      throw error("error parsing regexp: " + e.getMessage());
    }
  }

  private static Object findAll(String s, String re, long limit) throws CelEvaluationException {
    List<String> out = new ArrayList<>();
    Matcher m = regex(re).matcher(s);
    while ((limit < 0 || out.size() < limit) && m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
