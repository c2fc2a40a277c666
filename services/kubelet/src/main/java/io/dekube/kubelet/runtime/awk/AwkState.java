package io.dekube.kubelet.runtime.awk;

import io.dekube.kubelet.runtime.PosixRegex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What a running awk program holds: variables, arrays, the current record and its fields, the output. */
final class AwkState {

  /** Rounds of loops without input after which a program is stopped (a runaway {@code while (1)}). */
  static final long MAX_ROUNDS = 50_000_000;

  private final Map<String, AwkValue> vars = new HashMap<>();
  private final Map<String, Map<String, AwkValue>> arrays = new HashMap<>();
  private final Map<String, Pattern> regexCache = new HashMap<>();
  /** One-character field separators, matched as the character itself. */
  private final Map<String, Pattern> literalSeparators = new HashMap<>();
  private static final Pattern BLANKS = Pattern.compile("[ \t\n]+");
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();
  private String record = "";
  private List<String> fields = new ArrayList<>();
  private boolean split = true;
  private long rounds;
  int exitCode;
  /** Files and commands, for getline, close and system. */
  AwkIo io = AwkIo.NONE;
  /** The main input when records are pulled (getline reads on from it); null when they are pushed a line at a time. */
  AwkRecords records;
  /** The files and commands getline has open, by the name they were opened with. */
  private final Map<String, java.util.Iterator<String>> open = new HashMap<>();
  /** The exit codes of the commands getline has open. */
  private final Map<String, Integer> commandCodes = new HashMap<>();
  /** The files and commands print writes to. */
  private final AwkOutputs outputs = new AwkOutputs();
  /** The locals of the user functions being called, innermost first. */
  private final java.util.Deque<AwkLocal[]> frames = new java.util.ArrayDeque<>();

  AwkState() {
    vars.put("FS", AwkValue.string(" "));
    vars.put("OFS", AwkValue.string(" "));
    vars.put("ORS", AwkValue.string("\n"));
    vars.put("RS", AwkValue.string("\n"));
    vars.put("SUBSEP", AwkValue.string("\034"));
    vars.put("NR", AwkValue.of(0));
    vars.put("FNR", AwkValue.of(0));
    vars.put("RSTART", AwkValue.of(0));
    vars.put("RLENGTH", AwkValue.of(-1));
    vars.put("CONVFMT", AwkValue.string("%.6g"));
    vars.put("OFMT", AwkValue.string("%.6g"));
  }

  AwkValue get(String name) {
    if (name.equals("NF")) {
      return AwkValue.of(fields().size());
    }
    if (arrays.containsKey(name)) {
      throw new AwkException("can't use array " + name + " in scalar context");
    }
    return vars.getOrDefault(name, AwkValue.EMPTY);
  }

  void set(String name, AwkValue v) {
    if (name.equals("NF")) {
      int n = (int) v.toNumber();
      List<String> f = new ArrayList<>(fields());
      while (f.size() > n) {
        f.remove(f.size() - 1);
      }
      while (f.size() < n) {
        f.add("");
      }
      fields = f;
      record = String.join(get("OFS").toText(), f);
      return;
    }
    vars.put(name, v);
  }

  /** Whether variable {@code name} was never set nor used as an array. */
  boolean isUnset(String name) {
    return !vars.containsKey(name) && !arrays.containsKey(name) && !name.equals("NF");
  }

  /** The innermost function call's local number {@code slot}. */
  AwkLocal local(int slot) {
    return frames.peek()[slot];
  }

  void enter(AwkLocal[] frame) {
    frames.push(frame);
  }

  void leave() {
    frames.pop();
  }

  /** The next line of the file or command {@code name} (opened at first), null at its end; an IOException when it cannot be read. */
  String readFrom(String name, boolean command) throws java.io.IOException {
    java.util.Iterator<String> lines = open.get(name);
    if (lines == null) {
      String text;
      if (command) {
        AwkIo.Ran ran = io.run(name, null);
        commandCodes.put(name, ran.code());
        text = ran.out();
      } else {
        text = io.read(name);
      }
      lines = AwkRecords.lines(text).iterator();
      open.put(name, lines);
    }
    return lines.hasNext() ? lines.next() : null;
  }

  /** {@code close(name)}: 0 for a file, a command's exit code, -1 when it was not open. */
  int close(String name) {
    Integer output = outputs.close(this, name);
    if (output != null) {
      return output;
    }
    if (open.remove(name) == null) {
      return -1;
    }
    Integer code = commandCodes.remove(name);
    return code == null ? 0 : code;
  }

  /** A problem awk reports and runs on after (a file operand it cannot open): exit code 2. */
  void warn(String message) {
    err.append("awk: ").append(message).append('\n');
    exitCode = 2;
  }

  Map<String, AwkValue> array(String name) {
    if (vars.containsKey(name)) {
      throw new AwkException("can't use scalar " + name + " as array");
    }
    return arrays.computeIfAbsent(name, n -> new LinkedHashMap<>());
  }

  boolean isArray(String name) {
    return arrays.containsKey(name);
  }

  void newRecord(String line) {
    record = line;
    split = false;
  }

  AwkValue field(int i) {
    if (i == 0) {
      return AwkValue.input(record);
    }
    List<String> f = fields();
    return i <= f.size() ? AwkValue.input(f.get(i - 1)) : AwkValue.EMPTY;
  }

  void setField(int i, String text) {
    if (i == 0) {
      newRecord(text);
      return;
    }
    List<String> f = new ArrayList<>(fields());
    while (f.size() < i) {
      f.add("");
    }
    f.set(i - 1, text);
    fields = f;
    record = String.join(get("OFS").toText(), f);
  }

  private List<String> fields() {
    if (!split) {
      fields = splitText(record, get("FS").toText());
      split = true;
    }
    return fields;
  }

  /** {@code text} split by a field separator as awk reads FS: " " (runs of blanks), one character, or a regex. */
  List<String> splitText(String text, String fs) {
    List<String> out = new ArrayList<>();
    if (fs.equals(" ")) {
      String t = text.strip();
      if (!t.isEmpty()) {
        out.addAll(List.of(BLANKS.split(t)));
      }
      return out;
    }
    if (text.isEmpty()) {
      return out;
    }
    Pattern p = fs.length() == 1 && fs.charAt(0) != '\\'
        ? literalSeparators.computeIfAbsent(fs, f -> Pattern.compile(Pattern.quote(f))) : compileCached(fs);
    out.addAll(List.of(p.split(text, -1)));
    return out;
  }

  /** A regular expression from {@code e}: a {@code /re/} as written, else its text as a dynamic expression. */
  Pattern regex(AwkProgram.Expr e, boolean literalAllowed) {
    if (literalAllowed && e instanceof AwkProgram.RegexLiteral r) {
      return r.pattern();
    }
    return compileCached(e.eval(this).toText());
  }

  private Pattern compileCached(String re) {
    return regexCache.computeIfAbsent(re, AwkState::compile);
  }

  static Pattern compile(String re) {
    try {
      return Pattern.compile(PosixRegex.toJava(re, true));
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new AwkException("bad regex '" + re + "': " + e.getDescription());
    }
  }

  /** Writes {@code text} to stdout ({@code target} null), stderr, or a file or command as {@code mode} says. */
  void write(AwkOutputs.Mode mode, String target, String text) {
    if (target == null || target.equals("/dev/stdout") || target.equals("-")) {
      out.append(text);
    } else if (target.equals("/dev/stderr")) {
      err.append(text);
    } else {
      outputs.write(this, mode, target, text);
    }
  }

  /** The end of the program: commands that print piped to run. */
  void finish() {
    outputs.finish(this);
  }

  String takeOut() {
    String s = out.toString();
    out.setLength(0);
    return s;
  }

  String takeErr() {
    String s = err.toString();
    err.setLength(0);
    return s;
  }

  /** Counts a loop's round; stops a program that loops forever. */
  void tick() {
    if (++rounds > MAX_ROUNDS) {
      throw new AwkException("program stopped after " + MAX_ROUNDS + " loop rounds");
    }
  }
}
