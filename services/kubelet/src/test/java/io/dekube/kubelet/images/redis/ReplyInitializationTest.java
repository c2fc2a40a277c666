package io.dekube.kubelet.images.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link Reply}'s constants are records of its own; if the interface declared a default method, initializing a
 * record would initialize the interface first (JLS 12.4.1), and a thread reading {@code Reply.OK} while another
 * made its first {@code Reply.Status} waited for each other for good (the kubelet module's tests hung in CI).
 */
class ReplyInitializationTest {

  @Test
  void replyDeclaresNoDefaultMethodSoARecordInitializesWithoutTheInterface() {
    assertEquals("[]", Arrays.toString(Arrays.stream(Reply.class.getDeclaredMethods()).filter(Method::isDefault)
        .map(Method::getName).toArray()));
  }
}
