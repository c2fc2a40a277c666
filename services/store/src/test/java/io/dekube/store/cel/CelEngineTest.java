package io.dekube.store.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.SimpleType;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CEL environment: standard functions, extensions and kube's libraries, the step budget. */
class CelEngineTest {

  private static Object eval(String expr, String selfJson) throws Exception {
    JsonNode self = Json.MAPPER.readTree(selfJson);
    CelEngine.Compiled c = CelEngine.compile(expr, Map.of("self", SimpleType.DYN), false);
    assertTrue(c.ok(), () -> expr + ": " + c.error());
    return CelEngine.eval(c.program(), Map.of("self", CelValues.of(self)), new StepBudget());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "self.size() == 3                                         | [1,2,3]",
      "has(self.a) && !has(self.b)                              | {\"a\":1}",
      "self.all(x, x > 0) && self.exists(x, x == 2)             | [1,2,3]",
      "self.map(x, x * 2) == [2, 4, 6]                          | [1,2,3]",
      "self.filter(x, x > 1).size() == 2                        | [1,2,3]",
      "self.exists_one(x, x == 2)                               | [1,2,3]",
      "self.name.matches('^[a-z]+$') && self.name.startsWith('we') | {\"name\":\"web\"}",
      "self.name.endsWith('eb') && self.name.contains('e')      | {\"name\":\"web\"}",
      "int(self.n) == 42 && string(self.i) == '7'               | {\"n\":\"42\",\"i\":7}",
      "duration(self.d) == duration('90s')                      | {\"d\":\"1m30s\"}",
      "timestamp(self.t) < timestamp('2030-01-01T00:00:00Z')    | {\"t\":\"2024-01-01T00:00:00Z\"}",
      "self.isSorted() && self.sum() == 6 && self.min() == 1 && self.max() == 3 | [1,2,3]",
      "self.indexOf(2) == 1 && self.lastIndexOf(3) == 2 && 'abc'.indexOf('c') == 2 | [1,2,3]",
      "'abc 123 def 45'.findAll('[0-9]+') == ['123', '45'] && 'abc 123'.find('[0-9]+') == '123' | {}",
      "isQuantity(self.q) && quantity(self.q).isGreaterThan(quantity('1Gi')) | {\"q\":\"2Gi\"}",
      "quantity('500m').add(quantity('1.5')) == quantity('2') && quantity('1k').asInteger() == 1000 | {}",
      "quantity('1').compareTo(quantity('1000m')) == 0 && !isQuantity('1.5xx') | {}",
      "isURL(self.u) && url(self.u).getHost() == 'example.com:8080' && url(self.u).getHostname() == 'example.com' | {\"u\":\"https://example.com:8080/a?x=1\"}",
      "url(self.u).getScheme() == 'https' && url(self.u).getPort() == '8080' && url(self.u).getEscapedPath() == '/a' | {\"u\":\"https://example.com:8080/a?x=1\"}",
      "url(self.u).getQuery() == {'x': ['1']} && !isURL('not a url') | {\"u\":\"https://example.com:8080/a?x=1\"}",
      "'a,b'.split(',') == ['a', 'b'] && 'Ab'.lowerAscii() == 'ab' && ' x '.trim() == 'x' | {}",
      "self.?missing.orValue(5) == 5                            | {}",
      "sets.contains([1, 2, 3], [2])                            | {}",
      "self.all(k, v, v > 0) && self.transformMap(k, v, v * 2) == {'a': 2} && self.exists(k, v, k == 'a') | {\"a\":1}",
      "[1, 2].transformList(i, v, v * i) == [0, 2] && [3, 4].existsOne(i, v, i == 1 && v == 4) | {}",
      "isIP(self.a) && ip(self.a).family() == 4 && ip('::1').family() == 6 && !isIP('127.0.0.256') | {\"a\":\"10.0.0.1\"}",
      "!isIP('01.2.3.4') && !isIP('::ffff:1.2.3.4') && !isIP('fe80::1%eth0') && isIP('64:ff9b::1.2.3.4') | {}",
      "ip.isCanonical('2001:db8::abcd') && !ip.isCanonical('2001:DB8::ABCD') && !ip.isCanonical('2001:db8::0:0:0:abcd') | {}",
      "string(ip('2001:db8:0:0:1:0:0:1')) == '2001:db8::1:0:0:1' && ip('10.0.0.1') == ip('10.0.0.1') | {}",
      "ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified() && ip('127.0.0.1').isLoopback() && ip('::1').isLoopback() | {}",
      "ip('224.0.0.1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast() | {}",
      "ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast() && !ip('fd80::1').isLinkLocalUnicast() | {}",
      "ip('192.168.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast() && !ip('ff00::1').isGlobalUnicast() | {}",
      "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1')) && !cidr('192.168.0.0/24').containsIP('192.168.1.1') | {}",
      "cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24')) && !cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24') | {}",
      "cidr('192.168.0.1/24').ip() == ip('192.168.0.1') && cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24') | {}",
      "cidr('::1/128').prefixLength() == 128 && string(cidr('192.168.0.1/24').masked()) == '192.168.0.0/24' | {}",
      "isCIDR('10.0.0.0/8') && !isCIDR('192.168.0.0/33') && !isCIDR('::1/129') && !isCIDR('10.0.0.1') | {}",
      "!format.dns1123Label().validate('my-name').hasValue() && format.dns1123Label().validate('My_Name').hasValue() | {}",
      "format.named('dns1123Subdomain').value().validate('a.b').hasValue() == false && !format.named('nope').hasValue() | {}",
      "format.dns1123LabelPrefix().validate('my-prefix-') == optional.none() && format.uuid().validate('x').value() == ['does not match the UUID format'] | {}",
      "format.byte().validate('aGVsbG8=') == optional.none() && format.date().validate('2021-13-01').value() == ['invalid date'] | {}",
      "format.datetime().validate('2021-01-01T00:00:00Z') == optional.none() && format.uri().validate('http://example.com') == optional.none() | {}",
      "format.labelValue().validate('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa').value() == ['must be no more than 63 characters'] | {}",
  })
  void kubeFunctions(String expr, String self) throws Exception {
    assertEquals(true, eval(expr, self));
  }

  /** cel's extensions that kube 1.32's base environment does not add: an expression using them does not compile. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "math.greatest(1, 2) == 2                  | undeclared reference to 'math'",
      "math.abs(-1) == 1                         | undeclared reference to 'math'",
      "base64.encode(b'a') == 'YQ=='             | undeclared reference to 'base64'",
      "lists.range(3) == [0, 1, 2]               | undeclared reference to 'lists'",
      "[[1], [2]].flatten() == [1, 2]            | undeclared reference to 'flatten'",
      "[3, 1].sort() == [1, 3]                   | undeclared reference to 'sort'",
      "cel.bind(a, 1, a == 1)                    | undeclared reference to 'cel'",
  })
  void extensionsKubeDoesNotOfferAreRefused(String expr, String error) {
    CelEngine.Compiled c = CelEngine.compile(expr, Map.of("self", SimpleType.DYN), true);
    assertTrue(!c.ok() && c.error().contains(error), () -> expr + ": " + c.error());
  }

  @Test
  void aMissingFieldIsAnEvaluationError() {
    CelEngine.EvalError e = assertThrows(CelEngine.EvalError.class, () -> eval("self.b == 1", "{\"a\":1}"));
    assertTrue(e.getMessage().contains("no such key: b"), e.getMessage());
  }

  @Test
  void aRuleThatWouldRunForeverStopsAtTheStepBudget() {
    CelEngine.EvalError e = assertThrows(CelEngine.EvalError.class, () -> eval(
        "self.all(a, self.all(b, self.all(c, self.all(d, a + b + c + d >= 0))))", range(100)));
    assertTrue(e.costExceeded(), e.getMessage());
  }

  @Test
  void compileErrorsReadAsCelGoPrintsThem() {
    CelEngine.Compiled c = CelEngine.compile("self.x <", Map.of("self", SimpleType.DYN), true);
    assertTrue(c.error().startsWith("compilation failed: ERROR: <input>:1:"), c.error());
    CelEngine.Compiled notBool = CelEngine.compile("'x'", Map.of("self", SimpleType.DYN), true);
    assertEquals("cel expression must evaluate to a bool", notBool.error());
  }

  private static String range(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append(i);
    }
    return b.append("]").toString();
  }

  @Test
  void theAuthorizerLibraryAsksTheBoundAuthorizer() throws Exception {
    List<String> asked = new ArrayList<>();
    CelAuthorizer authz = (user, verb, resource, group, res, sub, ns, name, path) -> {
      asked.add(user.name() + " " + verb + " " + (resource ? group + "/" + res + "/" + sub + " " + ns + "/" + name
          : path));
      return new CelAuthorizer.Decision(user.name().equals("admin"), "because", "");
    };
    UserInfo admin = new UserInfo("admin", "", List.of());
    AuthorizerLibrary.Authorizer a = new AuthorizerLibrary.Authorizer(authz, admin);
    Map<String, Object> vars = new HashMap<>();
    vars.put("authorizer", a);
    vars.put("authorizer.requestResource", new AuthorizerLibrary.ResourceCheck(a, "apps", "deployments", "", "ns", "web"));
    String expr = "authorizer.group('apps').resource('deployments').subresource('scale').namespace('ns').name('web')"
        + ".check('update').allowed() && authorizer.requestResource.check('delete').reason() == 'because'"
        + " && !authorizer.serviceAccount('ns', 'sa').path('/healthz').check('get').allowed()"
        + " && !authorizer.path('/metrics').check('get').errored()";
    CelEngine.Compiled c = CelEngine.compile(expr, AdmissionCel.webhookVars(), true);
    assertTrue(c.ok(), c::error);
    assertEquals(true, CelEngine.eval(c.program(), vars, new StepBudget()));
    assertEquals(List.of("admin update apps/deployments/scale ns/web", "admin delete apps/deployments/ ns/web",
        "system:serviceaccount:ns:sa get /healthz", "admin get /metrics"), asked);
  }

  @Test
  void badAddressesAreKubesErrors() {
    CelEngine.EvalError e = assertThrows(CelEngine.EvalError.class, () -> eval("ip('127.0.0.256').family() == 4", "{}"));
    assertEquals("IP Address \"127.0.0.256\" parse error during conversion from string: "
        + "ParseAddr(\"127.0.0.256\"): IPv4 field has value >255", e.getMessage());
    e = assertThrows(CelEngine.EvalError.class, () -> eval("ip('::ffff:1.2.3.4').family() == 6", "{}"));
    assertEquals("IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed", e.getMessage());
    e = assertThrows(CelEngine.EvalError.class, () -> eval("cidr('10.0.0.0/33').prefixLength() == 1", "{}"));
    assertEquals("network address parse error during conversion from string: network address parse error during "
        + "conversion from string: netip.ParsePrefix(\"10.0.0.0/33\"): prefix length out of range", e.getMessage());
  }
}
