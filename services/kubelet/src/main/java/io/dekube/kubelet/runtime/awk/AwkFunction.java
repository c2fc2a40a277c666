package io.dekube.kubelet.runtime.awk;

import java.util.List;
import java.util.Map;

/**
 * A user-defined function, {@code function NAME(PARAMS) { BODY }}: arguments fill the first parameters (scalars
 * by value, arrays by reference), the others are its locals; {@code return [EXPR]} gives its value.
 */
final class AwkFunction {

  final String name;
  final List<String> params;
  AwkProgram.Stmt body;

  AwkFunction(String name, List<String> params) {
    this.name = name;
    this.params = params;
  }

  /** {@code return [value]}. */
  static final class Return extends RuntimeException {
    final AwkValue value;

    Return(AwkValue value) {
      super(null, null, false, false);
      this.value = value;
    }
  }

  /** A call of function {@code name}, looked up when it runs (a function may be defined after its callers). */
  record Call(String name, List<AwkProgram.Expr> args, Map<String, AwkFunction> functions) implements AwkProgram.Expr {
    @Override
    public AwkValue eval(AwkState st) {
      AwkFunction f = functions.get(name);
      if (f == null) {
        throw new AwkException("calling undefined function " + name);
      }
      return f.call(st, args);
    }
  }

  AwkValue call(AwkState st, List<AwkProgram.Expr> args) {
    AwkLocal[] frame = new AwkLocal[params.size()];
    for (int i = 0; i < frame.length; i++) {
      AwkProgram.Expr a = i < args.size() ? args.get(i) : null;
      frame[i] = a == null ? AwkLocal.unset()
          : a instanceof AwkProgram.Variable v ? v.pass(st) : AwkLocal.scalar(a.eval(st));
    }
    st.enter(frame);
    try {
      body.exec(st);
      return AwkValue.EMPTY;
    } catch (Return r) {
      return r.value;
    } catch (StackOverflowError e) {
      throw new AwkException("function " + name + " nested too deeply");
    } finally {
      st.leave();
    }
  }
}
