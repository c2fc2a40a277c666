package io.dekube.apiserver.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The naming decision as kube-apiextensions' naming controller makes it. */
class CrdNamesTest {

  @Test
  void freshNamesAreAcceptedAsRequested() {
    ObjectNode crd = crd("cogs", "cog", "Cog", "CogList", "[\"cg\"]", null);
    CrdNames.Decision d = CrdNames.decide(crd, List.of(crd, crd("gears", "gear", "Gear", "GearList", "[\"gr\"]",
        crd("gears", "gear", "Gear", "GearList", "[\"gr\"]", null).path("spec").path("names"))));
    assertTrue(d.accepted());
    assertEquals("NoConflicts", d.reason());
    assertEquals("no conflicts found", d.message());
    assertEquals(crd.path("spec").path("names"), d.acceptedNames());
  }

  @Test
  void eachKindOfConflictHasKubesReasonAndLeavesThatNameUnaccepted() {
    JsonNode taken = crd("gears", "gear", "Gear", "GearList", "[\"gr\"]", null).path("spec").path("names");
    ObjectNode owner = crd("gears", "gear", "Gear", "GearList", "[\"gr\"]", taken);
    assertConflict(crd("cogs", "gear", "Cog", "CogList", "[]", null), owner, "SingularConflict", "\"gear\" is already in use");
    assertConflict(crd("cogs", "cog", "Cog", "CogList", "[\"gr\"]", null), owner, "ShortNamesConflict",
        "\"gr\" is already in use");
    assertConflict(crd("cogs", "cog", "Cog", "CogList", "[\"gears\"]", null), owner, "ShortNamesConflict",
        "\"gears\" is already in use");
    assertConflict(crd("cogs", "cog", "Gear", "CogList", "[]", null), owner, "KindConflict", "\"Gear\" is already in use");
    assertConflict(crd("cogs", "cog", "Cog", "GearList", "[]", null), owner, "ListKindConflict",
        "\"GearList\" is already in use");
    CrdNames.Decision kind = CrdNames.decide(crd("cogs", "cog", "Gear", "CogList", "[\"cg\"]", null), List.of(owner));
    assertFalse(kind.acceptedNames().has("kind"), "the conflicting kind is not accepted: " + kind.acceptedNames());
    assertEquals("cogs", kind.acceptedNames().path("plural").asText(), "the free names are: " + kind.acceptedNames());
  }

  @Test
  void aCrdsOwnNamesNeverConflictWithItAndAcceptedOnesStayOnAConflictingChange() {
    JsonNode had = crd("cogs", "cog", "Cog", "CogList", "[\"cg\"]", null).path("spec").path("names");
    // its own plural as a new short name: no conflict with itself
    ObjectNode self = crd("cogs", "cog", "Cog", "CogList", "[\"cg\", \"cogs\"]", had);
    assertTrue(CrdNames.decide(self, List.of(self)).accepted());
    // an established CRD asking for a short name another has keeps its own
    ObjectNode owner = crd("gears", "gear", "Gear", "GearList", "[\"gr\"]",
        crd("gears", "gear", "Gear", "GearList", "[\"gr\"]", null).path("spec").path("names"));
    ObjectNode changed = crd("cogs", "cog", "Cog", "CogList", "[\"gr\"]", had);
    CrdNames.Decision d = CrdNames.decide(changed, List.of(changed, owner));
    assertFalse(d.accepted());
    assertEquals("[\"cg\"]", d.acceptedNames().path("shortNames").toString());
  }

  private static void assertConflict(ObjectNode crd, ObjectNode owner, String reason, String message) {
    CrdNames.Decision d = CrdNames.decide(crd, List.of(owner, crd));
    assertFalse(d.accepted(), reason);
    assertEquals(reason, d.reason());
    assertEquals(message, d.message());
  }

  private static ObjectNode crd(String plural, String singular, String kind, String listKind, String shortNames,
                                JsonNode accepted) {
    ObjectNode crd;
    try {
      crd = (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"" + plural + ".tools.example.com\"},"
        + "\"spec\":{\"group\":\"tools.example.com\",\"names\":{\"plural\":\"" + plural + "\",\"singular\":\"" + singular
        + "\",\"kind\":\"" + kind + "\",\"listKind\":\"" + listKind + "\",\"shortNames\":" + shortNames + "}}}");
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    if (accepted != null) {
      crd.putObject("status").set("acceptedNames", accepted.deepCopy());
    }
    return crd;
  }
}
