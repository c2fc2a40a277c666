package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code perl:<tag>}, as far as the Job page uses it: {@code perl -Mbignum=bpi -wle 'print bpi(2000)'} prints π to
 * that many significant digits, as Math::BigFloat's {@code bpi} does — computed here with Machin's formula
 * (π = 16·atan(1/5) − 4·atan(1/239)) in whole numbers on a worker thread, its CPU time the container's — and
 * exits 0. There is no Perl interpreter: any other program ends the container with a message saying what the image
 * runs, exit code 255 (perl's own for a program that dies).
 */
final class Perl {

  /** {@code print bpi(N)}, with or without the final semicolon. */
  private static final Pattern PRINT_BPI = Pattern.compile("\\s*print\\s+bpi\\s*\\(\\s*(\\d{1,6})\\s*\\)\\s*;?\\s*");

  private Perl() {
  }

  /** What a command line asks: the digits of π, and whether {@code -l} ends the print with a newline. */
  record PiProgram(int digits, boolean newline) {
  }

  static Future<Void> start(JvmContainer c) {
    List<String> argv = ImageArgs.argv(c.spec().container(), List.of(), List.of("perl", "-de0"));
    PiProgram program = parse(argv);
    if (program == null) {
      c.output("stderr", Buffer.buffer("perl: dekube's perl image has no Perl interpreter: it runs only the Job "
          + "page's program, perl -Mbignum=bpi -wle 'print bpi(N)'; not: " + String.join(" ", argv) + "\n"));
      c.exit(255);
      return Future.succeededFuture();
    }
    c.noSigtermHandler(); // perl without a %SIG{TERM}: as PID 1 it runs on until the grace period's SIGKILL
    c.measuredWork(() -> pi(program.digits())).onComplete(ar -> {
      if (ar.succeeded()) {
        c.output("stdout", Buffer.buffer(ar.result() + (program.newline() ? "\n" : "")));
        c.exit(0);
      } else {
        c.output("stderr", Buffer.buffer("perl: " + ar.cause().getMessage() + "\n"));
        c.exit(255);
      }
    });
    return Future.succeededFuture();
  }

  /** The pi program of {@code argv} ({@code perl -Mbignum=bpi -wle 'print bpi(N)'} and its spellings), or null. */
  static PiProgram parse(List<String> argv) {
    if (argv.isEmpty() || !argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1).matches("perl[0-9.]*")) {
      return null;
    }
    boolean bignum = false;
    boolean newline = false;
    List<String> code = new ArrayList<>();
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.startsWith("-M")) {
        String module = a.length() > 2 ? a.substring(2) : (++i < argv.size() ? argv.get(i) : "");
        bignum |= module.matches("(bignum|bigrat|bigfloat)(=.*\\bbpi\\b.*)?") && module.contains("bpi");
      } else if (a.matches("-[wlE]*[eE]?") && a.length() > 1) {
        newline |= a.contains("l");
        if (a.endsWith("e") || a.endsWith("E")) {
          if (++i >= argv.size()) {
            return null;
          }
          code.add(argv.get(i));
        }
      } else {
        return null;
      }
    }
    if (!bignum || code.size() != 1) {
      return null;
    }
    Matcher m = PRINT_BPI.matcher(code.get(0));
    return m.matches() ? new PiProgram(Integer.parseInt(m.group(1)), newline) : null;
  }

  /** π to {@code digits} significant digits, rounded to nearest, as {@code bpi(digits)} prints it. */
  static String pi(int digits) {
    int guard = 10;
    BigInteger scale = BigInteger.TEN.pow(digits + guard);
    BigInteger pi = atanInverse(5, scale).multiply(BigInteger.valueOf(16))
        .subtract(atanInverse(239, scale).multiply(BigInteger.valueOf(4)));
    BigDecimal value = new BigDecimal(pi, digits + guard);
    return value.round(new MathContext(Math.max(1, digits), RoundingMode.HALF_EVEN)).toPlainString();
  }

  /** atan(1/x) × scale, by its series 1/x − 1/(3x³) + 1/(5x⁵) − …, in whole numbers. */
  private static BigInteger atanInverse(int x, BigInteger scale) {
    BigInteger xx = BigInteger.valueOf((long) x * x);
    BigInteger power = scale.divide(BigInteger.valueOf(x));
    BigInteger sum = power;
    for (int k = 1; power.signum() != 0; k++) {
      power = power.divide(xx);
      BigInteger term = power.divide(BigInteger.valueOf(2L * k + 1));
      sum = k % 2 == 1 ? sum.subtract(term) : sum.add(term);
    }
    return sum;
  }
}
