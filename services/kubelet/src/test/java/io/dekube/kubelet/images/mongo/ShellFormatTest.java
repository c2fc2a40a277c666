package io.dekube.kubelet.images.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** mongosh's way of printing values, and the literals its reader takes. */
class ShellFormatTest {

  private static final BsonObjectId ID = new BsonObjectId(new ObjectId("6571a2b3c4d5e6f708091a2b"));

  @Test
  void printsAsMongoshPrints() {
    assertEquals("{ ok: 1 }", ShellFormat.format(new BsonDocument("ok", new BsonDouble(1))));
    assertEquals("[ { _id: ObjectId('6571a2b3c4d5e6f708091a2b'), a: 1 } ]", ShellFormat.format(new BsonArray(
        List.of(new BsonDocument("_id", ID).append("a", new BsonInt32(1))))));
    assertEquals("{\n  acknowledged: true,\n  insertedId: ObjectId('6571a2b3c4d5e6f708091a2b')\n}",
        ShellFormat.format(new BsonDocument("acknowledged", BsonBoolean.TRUE).append("insertedId", ID)));
    assertEquals("{ 'a-b': \"it's\", n: Long('5'), x: 1.5, e: [], d: {} }", ShellFormat.format(
        new BsonDocument("a-b", new BsonString("it's")).append("n", new BsonInt64(5)).append("x", new BsonDouble(1.5))
            .append("e", new BsonArray()).append("d", new BsonDocument())));
    assertEquals("{ \"ok\" : 1 }", ShellFormat.legacy(new BsonDocument("ok", new BsonDouble(1))));
  }

  @Test
  void readsTheLiteralsNewcomersType() throws Exception {
    ShellReader.Chain chain = (ShellReader.Chain) ShellReader.read("db.runCommand( { ping: 1 } )");
    assertEquals("db", chain.root());
    assertEquals(new BsonDocument("ping", new BsonInt32(1)), ((ShellReader.Literal) ((ShellReader.Call)
        chain.steps().get(1)).args().get(0)).value());
    ShellReader.Literal doc = (ShellReader.Literal) ShellReader.read(
        "{ name: \"apple\", 'qty': 2.5, tags: ['a', 'b',], _id: ObjectId('6571a2b3c4d5e6f708091a2b'), ok: true };");
    assertEquals(new BsonDocument("name", new BsonString("apple")).append("qty", new BsonDouble(2.5))
        .append("tags", new BsonArray(List.of(new BsonString("a"), new BsonString("b")))).append("_id", ID)
        .append("ok", BsonBoolean.TRUE), doc.value());
    assertThrows(ShellReader.SyntaxError.class, () -> ShellReader.read("var x = 1"));
    assertThrows(ShellReader.SyntaxError.class, () -> ShellReader.read("db.c.find({ a: 1 + 2 })"));
  }
}
