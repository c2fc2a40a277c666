package io.dekube.store.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import dev.cel.runtime.CelRuntime;
import java.util.Set;

/**
 * One compiled and checked CEL expression, ready to evaluate any number of times from any thread
 * (cel-java programs are immutable).
 *
 * @param source     the expression as written
 * @param program    the planned program
 * @param resultType the checked type of its result
 * @param idents     the variables it refers to (e.g. {@code oldSelf}), to know when it applies
 * @param ast        the checked syntax tree, for the static cost estimate ({@link CostEstimator}); may be null
 */
public record CelProgram(String source, CelRuntime.Program program, CelType resultType, Set<String> idents,
                         CelAbstractSyntaxTree ast) {

  public CelProgram(String source, CelRuntime.Program program, CelType resultType, Set<String> idents) {
    this(source, program, resultType, idents, null);
  }

  /** Whether the expression refers to {@code name}. */
  public boolean uses(String name) {
    return idents.contains(name);
  }
}
