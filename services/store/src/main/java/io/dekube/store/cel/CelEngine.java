package io.dekube.store.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CEL as Kubernetes 1.32 offers it to CRD rules and admission policies: the standard functions and
 * macros, the two-variable comprehensions of 1.32 ({@code all(k, v, ...)}, {@code transformMap}...), the
 * strings, sets and optional extensions, and kube's own libraries
 * ({@link KubeLibrary}: lists, regex, URLs, quantities; {@link NetLibrary}: IPs and CIDRs;
 * {@link FormatLibrary}: named formats) — the libraries of kube 1.32's base environment
 * ({@code k8s.io/apiserver/pkg/cel/environment/base.go}), no more: cel's math, base64 ({@code encoders}),
 * lists ({@code flatten}, {@code slice}, {@code lists.range}...) and {@code cel.bind} extensions are not in it,
 * so an expression using them is refused here as kube refuses it ({@code undeclared reference to 'math'}).
 * Compiling is the slow part, so callers
 * compile once per CRD or policy version and keep the {@link CelProgram}; evaluating runs under a
 * {@link StepBudget}. Thread-safe: one shared runtime.
 */
public final class CelEngine {

  /** A compiled program, or kube's {@code compilation failed: ...} detail. */
  public record Compiled(CelProgram program, String error) {
    public boolean ok() {
      return program != null;
    }
  }

  /** An evaluation that failed: the error as kube's CEL reports it ({@code no such key: x}). */
  public static final class EvalError extends Exception {
    private final boolean costExceeded;

    EvalError(String message, boolean costExceeded) {
      super(message, null, false, false);
      this.costExceeded = costExceeded;
    }

    /** Whether the evaluation ran out of steps. */
    public boolean costExceeded() {
      return costExceeded;
    }
  }

  static final CelOptions OPTIONS = CelOptions.current()
      .enableTimestampEpoch(true)
      .enableHeterogeneousNumericComparisons(true)
      .enableOptionalSyntax(true)
      .comprehensionMaxIterations(1_000_000)
      .maxRegexProgramSize(-1)
      .build();

  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
      .setOptions(OPTIONS)
      .addLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(OPTIONS),
          CelExtensions.comprehensions())
      .addFunctionBindings(KubeLibrary.bindings())
      .addFunctionBindings(NetLibrary.bindings())
      .addFunctionBindings(FormatLibrary.bindings())
      .addFunctionBindings(AuthorizerLibrary.bindings())
      .build();

  private CelEngine() {
  }

  /**
   * Loads and exercises the compiler and runtime once (the first compile in a JVM takes seconds of
   * class loading), so that the writer's first CRD with rules does not stall its loop. Blocking:
   * call it on a worker thread. Idempotent.
   */
  public static void warmUp() {
    Compiled c = compile("self.all(x, x.matches('^[a-z]+$')) && quantity('1Gi').isGreaterThan(quantity('1'))",
        Map.of("self", ListType.create(SimpleType.STRING)), true);
    try {
      eval(c.program(), Map.of("self", List.of("a")), new StepBudget());
    } catch (EvalError e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Compiles and type-checks {@code expr} with the variables {@code vars} declared. {@code wantBool}
   * demands a boolean (or dyn) result, as kube does of rules and conditions.
   */
  public static Compiled compile(String expr, Map<String, CelType> vars, boolean wantBool) {
    return compile(expr, vars, null, wantBool);
  }

  /**
   * {@link #compile(String, Map, boolean)} with the struct types {@code types} knows (a CRD schema's
   * objects, {@link SchemaTypes}), so that selecting a field they lack does not compile; null: none.
   */
  public static Compiled compile(String expr, Map<String, CelType> vars, CelTypeProvider types, boolean wantBool) {
    CelCompiler compiler = compiler(vars, types);
    CelAbstractSyntaxTree ast;
    try {
      CelValidationResult result = compiler.compile(expr);
      if (result.hasError()) {
        return new Compiled(null, "compilation failed: " + issues(result));
      }
      ast = result.getAst();
    } catch (Exception | StackOverflowError e) {
      return new Compiled(null, "compilation failed: " + e.getMessage());
    }
    CelType type = ast.getResultType();
    if (wantBool && !type.name().equals("bool") && !type.name().equals("dyn")) {
      return new Compiled(null, "cel expression must evaluate to a bool");
    }
    try {
      CelRuntime.Program program = RUNTIME.createProgram(ast);
      return new Compiled(new CelProgram(expr, program, type, idents(ast), ast), null);
    } catch (CelEvaluationException e) {
      return new Compiled(null, "compilation failed: " + e.getMessage());
    }
  }

  /** What type-checking an expression gives: its result type, or cel's issues as kube prints them ({@code ERROR: <input>:1:7: ...}). */
  public record Checked(CelType type, String issues) {
  }

  /**
   * Parses and type-checks {@code expr} without making a program (kube's policy type checker: no result type is
   * demanded, only the issues are wanted). Pure.
   */
  public static Checked check(String expr, Map<String, CelType> vars, CelTypeProvider types) {
    try {
      CelValidationResult result = compiler(vars, types).compile(expr);
      return result.hasError() ? new Checked(null, issues(result))
          : new Checked(result.getAst().getResultType(), null);
    } catch (Exception | StackOverflowError e) {
      return new Checked(null, String.valueOf(e.getMessage()));
    }
  }

  /** cel-java's errors as cel-go prints them: without the overload candidates cel-java adds. */
  private static String issues(CelValidationResult result) {
    return CANDIDATES.matcher(result.getErrorString()).replaceAll("");
  }

  private static final java.util.regex.Pattern CANDIDATES =
      java.util.regex.Pattern.compile(" \\(candidates: [^\\n]*\\)(?=\\n|$)");

  private static CelCompiler compiler(Map<String, CelType> vars, CelTypeProvider types) {
    CelCompilerBuilder b = CelCompilerFactory.standardCelCompilerBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(OPTIONS),
            CelExtensions.comprehensions())
        .addFunctionDeclarations(KubeLibrary.declarations())
        .addFunctionDeclarations(NetLibrary.declarations())
        .addFunctionDeclarations(FormatLibrary.declarations())
        .addFunctionDeclarations(AuthorizerLibrary.declarations());
    vars.forEach(b::addVar);
    if (types != null) {
      b.setTypeProvider(types);
    }
    return b.build();
  }

  private static Set<String> idents(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .map(CelNavigableExpr::expr)
        .filter(e -> e.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT)
        .map(e -> e.ident().name())
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Evaluates {@code program} with {@code vars} (values as {@link CelValues} makes them) within
   * {@code budget}. Runs on the caller's thread; bounded by the budget.
   */
  public static Object eval(CelProgram program, Map<String, ?> vars, StepBudget budget) throws EvalError {
    try {
      return program.program().trace(vars, budget);
    } catch (StepBudget.Exceeded e) {
      throw new EvalError(e.getMessage(), true);
    } catch (CelEvaluationException e) {
      if (cause(e) instanceof StepBudget.Exceeded x) {
        throw new EvalError(x.getMessage(), true);
      }
      throw new EvalError(message(e), false);
    } catch (RuntimeException | StackOverflowError e) {
      if (cause(e) instanceof StepBudget.Exceeded x) {
        throw new EvalError(x.getMessage(), true);
      }
      throw new EvalError(String.valueOf(e.getMessage()), false);
    }
  }

  private static Throwable cause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  /** cel-java prefixes its messages with the position; kube shows cel-go's bare error text. */
  private static String message(CelEvaluationException e) {
    String m = String.valueOf(e.getMessage()).replaceAll("key '(.*)' is not present in map\\.?", "no such key: $1");
    int i = m.indexOf("evaluation error at ");
    if (i >= 0) {
      int colon = m.indexOf(": ", i);
      if (colon > 0) {
        return m.substring(colon + 2);
      }
    }
    return m.startsWith("evaluation error: ") ? m.substring("evaluation error: ".length()) : m;
  }
}
