package io.dekube.kubelet.runtime.sh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ArithmeticTest {

  private final Variables vars = new Variables(Map.of("i", "4", "s", "2"));

  @Test
  void precedenceAndOperators() {
    assertEquals(7, Arithmetic.eval("1+2*3", vars));
    assertEquals(9, Arithmetic.eval("(1+2)*3", vars));
    assertEquals(1, Arithmetic.eval("7 % 3 == 1 && 2 > 1", vars));
    assertEquals(-3, Arithmetic.eval("-3", vars));
    assertEquals(16, Arithmetic.eval("0x10", vars));
    assertEquals(8, Arithmetic.eval("010", vars));
    assertEquals(8, Arithmetic.eval("1 << 3", vars));
    assertEquals(5, Arithmetic.eval("i > s ? 5 : 6", vars));
    assertEquals(0, Arithmetic.eval("", vars));
  }

  @Test
  void variablesAndAssignments() {
    assertEquals(5, Arithmetic.eval("i+1", vars));
    assertEquals(0, Arithmetic.eval("nosuch", vars));
    assertEquals(10, Arithmetic.eval("i += 6", vars));
    assertEquals("10", vars.get("i"));
    assertEquals(10, Arithmetic.eval("i++", vars));
    assertEquals("11", vars.get("i"));
    assertEquals(12, Arithmetic.eval("++i", vars));
    assertEquals(3, Arithmetic.eval("x = 3", vars));
    assertEquals("3", vars.get("x"));
  }

  @Test
  void errors() {
    assertEquals("divide by zero", assertThrows(ShellError.class, () -> Arithmetic.eval("1/0", vars)).getMessage());
    assertEquals("arithmetic syntax error", assertThrows(ShellError.class, () -> Arithmetic.eval("1 +", vars))
        .getMessage());
  }
}
