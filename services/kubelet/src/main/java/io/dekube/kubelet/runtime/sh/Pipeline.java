package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code a | b | c} as sh does: every stage at the same time, each in a subshell, joined by {@link Pipe}s. A
 * stage that ends closes its ends of the pipes: the one after it reads the end of input, the one before it is
 * broken at its next write (it ends with 141, as SIGPIPE ends a process). The pipeline ends when all its stages have
 * ended; its status is the last stage's, or with {@code set -o pipefail} the last non-zero one. Confined to the
 * shell's context.
 */
final class Pipeline {

  /** The status of a process that SIGPIPE ended (128 + 13). */
  static final int SIGPIPE = 141;

  private final Interpreter interpreter;

  Pipeline(Interpreter interpreter) {
    this.interpreter = interpreter;
  }

  Future<Integer> run(Node.Pipeline p, ShellState st, Io io) {
    List<Node> stages = p.stages();
    if (p.negated()) {
      st.errexitOff++; // set -e does not look at a negated pipeline
    }
    Future<Integer> status = stages.size() == 1 ? interpreter.run(stages.get(0), st, io) : stages(stages, st, io);
    return status.andThen(ar -> {
      if (p.negated()) {
        st.errexitOff--;
      }
    }).map(code -> p.negated() ? (code == 0 ? 1 : 0) : code);
  }

  private Future<Integer> stages(List<Node> stages, ShellState st, Io io) {
    List<Future<Integer>> ended = new ArrayList<>();
    Pipe in = null;
    for (int k = 0; k < stages.size(); k++) {
      boolean last = k == stages.size() - 1;
      Pipe out = last ? null : new Pipe(interpreter.context());
      ShellState sub = st.subshell();
      if (out != null) {
        sub.hungUp = out::broken;
      }
      Io stageIo = new Io(out == null ? io.out() : out.writer(io.out()), in == null ? io.stdin() : in, io.cwd(),
          io.env());
      Pipe reads = in;
      ended.add(interpreter.run(stages.get(k), sub, stageIo)
          .recover(e -> e instanceof ShellError ? Interpreter.failed(sub, stageIo, e.getMessage())
              : Future.failedFuture(e))
          .map(code -> sub.hungUp.getAsBoolean() ? SIGPIPE : sub.control == ShellState.Control.EXIT ? sub.last : code)
          .andThen(ar -> {
            if (out != null) {
              out.endWriter();
            }
            if (reads != null) {
              reads.endReader();
            }
          }));
      in = out;
    }
    return Future.join(ended).transform(ar -> {
      int status = ended.get(ended.size() - 1).succeeded() ? ended.get(ended.size() - 1).result() : 1;
      if (st.pipefail) {
        for (Future<Integer> f : ended) {
          int code = f.succeeded() ? f.result() : 1;
          status = code != 0 ? code : status;
        }
      }
      return Future.succeededFuture(status);
    });
  }
}
