package io.dekube.store.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The worst-case cost of a checked CEL expression, as cel-go's {@code checker.Cost} estimates it with
 * kube's {@code library.CostEstimator} and the CRD's size estimator (cel-java has no estimator): one
 * unit per identifier and field selection, 10/30/40 per list/map/message literal, comprehensions
 * their loop's cost times the most elements their range can have, string work a tenth of a unit per
 * byte ({@code contains}, {@code startsWith}, {@code ==}, {@code +}...), regexes a quarter unit per
 * byte of pattern times the string's, kube's list, regex, URL, quantity, IP and format functions as
 * kube costs them, any other call one unit. Sizes come from the schema ({@link SchemaTypes.Decl}:
 * maxItems, maxProperties, maxLength, else what a 3 MiB request can hold) along the expression's path
 * from {@code self}. Costs saturate at {@link Long#MAX_VALUE}. Pure; one instance per estimate.
 */
final class CostEstimator {

  private static final double STRING_TRAVERSAL = 0.1;
  private static final double REGEX_LENGTH = 0.25;
  private static final long UNBOUNDED = Long.MAX_VALUE;

  /** A min..max range of cost units or of sizes. */
  record Range(long min, long max) {
    static final Range ONE = new Range(1, 1);
    static final Range ZERO = new Range(0, 0);

    Range add(Range o) {
      return new Range(sat(min, o.min), sat(max, o.max));
    }

    Range times(Range o) {
      return new Range(mul(min, o.min), mul(max, o.max));
    }

    Range factor(double f) {
      return new Range(scale(min, f), scale(max, f));
    }

    Range union(Range o) {
      return new Range(Math.min(min, o.min), Math.max(max, o.max));
    }
  }

  private final CelAbstractSyntaxTree ast;
  private final SchemaTypes.Decl self;
  private final Map<Long, List<String>> paths = new HashMap<>();
  private final Map<Long, Range> sizes = new HashMap<>();
  /** Comprehension variables in scope: name, range, and whether it is a two-variable one's second (the value). */
  private record IterVar(String name, CelExpr range, boolean second) {
  }

  private final Deque<IterVar> iterRanges = new ArrayDeque<>();

  private CostEstimator(CelAbstractSyntaxTree ast, SchemaTypes.Decl self) {
    this.ast = ast;
    this.self = self;
  }

  /** The most cost units {@code ast} can take with {@code self} (and {@code oldSelf}) of type {@code self}. */
  static long maxCost(CelAbstractSyntaxTree ast, SchemaTypes.Decl self) {
    return new CostEstimator(ast, self).cost(ast.getExpr()).max();
  }

  private Range cost(CelExpr e) {
    return switch (e.getKind()) {
      case CONSTANT -> Range.ZERO;
      case IDENT -> ident(e);
      case SELECT -> select(e);
      case CALL -> call(e);
      case LIST -> {
        Range sum = new Range(10, 10);
        for (CelExpr x : e.list().elements()) {
          sum = sum.add(cost(x));
        }
        yield sum;
      }
      case MAP -> {
        Range sum = new Range(30, 30);
        for (CelExpr.CelMap.Entry x : e.map().entries()) {
          sum = sum.add(cost(x.key())).add(cost(x.value()));
        }
        yield sum;
      }
      case STRUCT -> {
        Range sum = new Range(40, 40);
        for (CelExpr.CelStruct.Entry x : e.struct().entries()) {
          sum = sum.add(cost(x.value()));
        }
        yield sum;
      }
      case COMPREHENSION -> comprehension(e);
      default -> Range.ZERO;
    };
  }

  private Range ident(CelExpr e) {
    String name = e.ident().name();
    for (IterVar r : iterRanges) {
      if (r.name().equals(name)) {
        List<String> p = paths.get(r.range().id());
        boolean map = kind(r.range()) == CelKind.MAP;
        boolean twoVars = r.second() || iterRanges.stream().anyMatch(o -> o.range() == r.range() && o.second());
        if (p != null && !(twoVars && !r.second() && !map)) { // a list's index has no path
          paths.put(e.id(), append(p, map ? (r.second() ? "@values" : "@keys") : "@items"));
        }
        return Range.ONE;
      }
    }
    paths.put(e.id(), List.of(name));
    return Range.ONE;
  }

  private Range select(CelExpr e) {
    CelExpr.CelSelect s = e.select();
    if (s.testOnly()) {
      return Range.ZERO; // kube keeps cel-go's has() free (PresenceTestHasCost(false))
    }
    Range sum = cost(s.operand());
    CelKind k = kind(s.operand());
    if (k == CelKind.MAP || k == CelKind.STRUCT || k == CelKind.TYPE_PARAM || k == CelKind.DYN) {
      sum = sum.add(Range.ONE);
    }
    List<String> p = paths.get(s.operand().id());
    if (p != null) {
      paths.put(e.id(), append(p, s.field()));
    }
    return sum;
  }

  private Range comprehension(CelExpr e) {
    CelExpr.CelComprehension c = e.comprehension();
    Range sum = cost(c.iterRange()).add(cost(c.accuInit()));
    iterRanges.push(new IterVar(c.iterVar(), c.iterRange(), false));
    boolean two = !c.iterVar2().isEmpty();
    if (two) {
      iterRanges.push(new IterVar(c.iterVar2(), c.iterRange(), true));
    }
    Range loop = cost(c.loopCondition());
    Range step = cost(c.loopStep());
    iterRanges.pop();
    if (two) {
      iterRanges.pop();
    }
    sum = sum.add(cost(c.result()));
    Range count = size(c.iterRange());
    sizes.put(e.id(), count);
    return sum.add(count.times(step.add(loop)));
  }

  private Range call(CelExpr e) {
    CelExpr.CelCall call = e.call();
    CelExpr target = call.target().orElse(null);
    List<CelExpr> args = call.args();
    Range argSum = target == null ? Range.ZERO : cost(target);
    List<Range> argCosts = new ArrayList<>();
    for (CelExpr a : args) {
      Range c = cost(a);
      argCosts.add(c);
      argSum = argSum.add(c);
    }
    String fn = call.function();
    if ((fn.equals("_[_]") || fn.equals("_[?_]")) && args.size() == 2) {
      List<String> p = paths.get(args.get(0).id());
      if (p != null) {
        paths.put(e.id(), append(p, kind(args.get(0)) == CelKind.MAP ? "@values" : "@items"));
      }
    }
    Range kube = kubeCost(fn, target, args);
    if (kube != null) {
      return kube.add(argSum);
    }
    return switch (fn) {
      case "_&&_", "_||_" -> new Range(argCosts.get(0).min(), argCosts.get(0).add(argCosts.get(1)).max());
      case "_?_:_" -> {
        sizes.put(e.id(), size(args.get(1)).union(size(args.get(2))));
        yield argCosts.get(0).add(argCosts.get(1).union(argCosts.get(2)));
      }
      case "startsWith", "endsWith" -> target != null && args.size() == 1
          ? size(args.get(0)).factor(STRING_TRAVERSAL).add(argSum) : Range.ONE.add(argSum);
      case "@in" -> kind(args.get(1)) == CelKind.LIST ? size(args.get(1)).add(argSum) : Range.ONE.add(argSum);
      case "matches" -> {
        CelExpr str = target != null ? target : args.get(0);
        CelExpr re = target != null ? args.get(0) : args.get(1);
        Range strCost = size(str).add(Range.ONE).factor(STRING_TRAVERSAL);
        yield strCost.times(size(re).factor(REGEX_LENGTH)).add(argSum);
      }
      case "contains" -> target != null && args.size() == 1 && kind(target) == CelKind.STRING
          ? size(target).factor(STRING_TRAVERSAL).times(size(args.get(0)).factor(STRING_TRAVERSAL)).add(argSum)
          : Range.ONE.add(argSum);
      case "_+_" -> add(e, args, argSum);
      case "_==_", "_!=_" -> compare(args, argSum);
      case "_<_", "_>_", "_<=_", "_>=_" -> {
        CelKind k = kind(args.get(0));
        yield k == CelKind.STRING || k == CelKind.BYTES ? compare(args, argSum) : Range.ONE.add(argSum);
      }
      case "string", "bytes" -> args.size() == 1 && (kind(args.get(0)) == CelKind.STRING
          || kind(args.get(0)) == CelKind.BYTES) && kind(e) != kind(args.get(0))
          ? size(args.get(0)).factor(STRING_TRAVERSAL).add(argSum) : Range.ONE.add(argSum);
      default -> Range.ONE.add(argSum);
    };
  }

  private Range add(CelExpr e, List<CelExpr> args, Range argSum) {
    CelKind k = kind(e);
    if (args.size() != 2 || k != CelKind.STRING && k != CelKind.BYTES && k != CelKind.LIST) {
      return Range.ONE.add(argSum);
    }
    Range sz = size(args.get(0)).add(size(args.get(1)));
    sizes.put(e.id(), sz);
    return k == CelKind.LIST ? Range.ONE.add(argSum) : sz.factor(STRING_TRAVERSAL).add(argSum);
  }

  private Range compare(List<CelExpr> args, Range argSum) {
    long smallestMax = Math.min(size(args.get(0)).max(), size(args.get(1)).max());
    return new Range(smallestMax > 0 ? 1 : 0, smallestMax).factor(STRING_TRAVERSAL).add(argSum);
  }

  /** kube's {@code library.CostEstimator.EstimateCallCost}; null where it has no estimate of its own. */
  private Range kubeCost(String fn, CelExpr target, List<CelExpr> args) {
    switch (fn) {
      case "isSorted", "sum", "max", "min", "indexOf", "lastIndexOf" -> {
        if (target == null) {
          return null;
        }
        if (kind(target) == CelKind.LIST) {
          Range el = Range.ONE;
          CelType elem = ast.getType(target.id()).map(t -> t.parameters().isEmpty() ? null : t.parameters().get(0))
              .orElse(null);
          if (elem != null && (elem.kind() == CelKind.STRING || elem.kind() == CelKind.BYTES)) {
            List<String> p = paths.get(target.id());
            el = el.add(sizeAt(p == null ? null : append(p, "@items"), elem).factor(STRING_TRAVERSAL));
          }
          return size(target).times(el);
        }
        return size(target).factor(STRING_TRAVERSAL);
      }
      case "url", "quantity", "isQuantity", "isURL", "cidr", "isIP", "isCIDR", "ip.isCanonical" -> {
        return args.size() == 1 ? size(args.get(0)).factor(STRING_TRAVERSAL) : null;
      }
      case "ip" -> {
        return args.size() == 1 ? size(args.get(0)).factor(STRING_TRAVERSAL) : Range.ONE;
      }
      case "lowerAscii", "upperAscii", "substring", "trim" -> {
        return target == null ? null : size(target).factor(STRING_TRAVERSAL);
      }
      case "replace", "split" -> {
        if (target == null) {
          return null;
        }
        Range sz = size(target);
        Range replace = args.size() >= 2 ? size(args.get(1)) : Range.ONE;
        return sz.factor(STRING_TRAVERSAL).add(sz.times(replace).factor(STRING_TRAVERSAL));
      }
      case "join" -> {
        return target == null ? null : size(target).factor(STRING_TRAVERSAL);
      }
      case "find", "findAll" -> {
        if (target == null || args.isEmpty()) {
          return null;
        }
        Range strCost = size(target).add(Range.ONE).factor(STRING_TRAVERSAL);
        return strCost.times(size(args.get(0)).factor(REGEX_LENGTH));
      }
      case "validate" -> {
        if (target == null || args.isEmpty()) {
          return null;
        }
        Range strCost = size(args.get(0)).add(Range.ONE).factor(STRING_TRAVERSAL);
        return strCost.times(new Range(60, 60).factor(REGEX_LENGTH));
      }
      case "sets.contains", "sets.equivalent", "sets.intersects" -> {
        return args.size() == 2 ? size(args.get(0)).times(size(args.get(1))) : null;
      }
      case "masked", "prefixLength", "family", "isUnspecified", "isLoopback", "isLinkLocalMulticast",
           "isLinkLocalUnicast", "isGlobalUnicast", "containsIP", "containsCIDR", "format.named", "sign", "asInteger",
           "isInteger", "asApproximateFloat", "isGreaterThan", "isLessThan", "compareTo", "add", "sub", "getScheme",
           "getHostname", "getHost", "getPort", "getEscapedPath", "getQuery" -> {
        return Range.ONE;
      }
      default -> {
        return null;
      }
    }
  }

  /** cel-go's {@code sizeEstimate}: a computed size, the schema's bound along the path, 1 for scalars. */
  private Range size(CelExpr e) {
    Range computed = sizes.get(e.id());
    if (computed != null) {
      return computed;
    }
    if (e.getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
      CelConstant c = e.constant();
      if (c.getKind() == CelConstant.Kind.STRING_VALUE) {
        long n = c.stringValue().codePointCount(0, c.stringValue().length());
        return new Range(n, n);
      }
      if (c.getKind() == CelConstant.Kind.BYTES_VALUE) {
        long n = c.bytesValue().size();
        return new Range(n, n);
      }
    }
    if (e.getKind() == CelExpr.ExprKind.Kind.LIST) {
      long n = e.list().elements().size();
      return new Range(n, n);
    }
    if (e.getKind() == CelExpr.ExprKind.Kind.MAP) {
      long n = e.map().entries().size();
      return new Range(n, n);
    }
    return sizeAt(paths.get(e.id()), ast.getType(e.id()).orElse(null));
  }

  private Range sizeAt(List<String> path, CelType type) {
    if (path != null && self != null) {
      SchemaTypes.Decl d = self;
      for (int i = 1; i < path.size() && d != null; i++) {
        String p = path.get(i);
        if (p.equals("@keys")) {
          return Range.ZERO; // kube's map keys are its plain StringType, whose MaxElements is 0
        }
        d = p.equals("@items") || p.equals("@values") ? d.elem() : d.fields().get(p);
      }
      if (d != null) {
        return new Range(0, d.maxElements());
      }
    }
    if (type != null && switch (type.kind()) {
      case BOOL, INT, UINT, DOUBLE, DURATION, TIMESTAMP -> true;
      default -> false;
    }) {
      return Range.ONE;
    }
    return new Range(0, UNBOUNDED);
  }

  private CelKind kind(CelExpr e) {
    return ast.getType(e.id()).map(CelType::kind).orElse(CelKind.DYN);
  }

  private static List<String> append(List<String> p, String s) {
    List<String> out = new ArrayList<>(p.size() + 1);
    out.addAll(p);
    out.add(s);
    return out;
  }

  static long sat(long a, long b) {
    long r = a + b;
    return r < 0 ? UNBOUNDED : r;
  }

  static long mul(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > UNBOUNDED / b ? UNBOUNDED : a * b;
  }

  private static long scale(long v, double f) {
    double r = Math.ceil(v * f);
    return r >= UNBOUNDED ? UNBOUNDED : (long) r;
  }
}
