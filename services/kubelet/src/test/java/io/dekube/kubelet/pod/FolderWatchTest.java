package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderWatchTest {

  @TempDir
  Path tmp;

  @Test
  void eachChangeInAFolderIsReportedToItsListenersUntilClosed() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("manifests"));
    Semaphore first = new Semaphore(0);
    Semaphore second = new Semaphore(0);
    FolderWatch.Registration a = FolderWatch.shared().watch(folder, first::release);
    FolderWatch.Registration b = FolderWatch.shared().watch(folder, second::release);
    Files.writeString(folder.resolve("web.yaml"), "kind: Pod\n");
    assertTrue(first.tryAcquire(10, TimeUnit.SECONDS), "a created file is reported");
    assertTrue(second.tryAcquire(10, TimeUnit.SECONDS), "to every listener of the folder");

    a.close();
    assertTrue(b.valid(), "one listener leaving keeps the folder watched for the other");
    first.drainPermits();
    second.drainPermits();
    Files.delete(folder.resolve("web.yaml"));
    assertTrue(second.tryAcquire(10, TimeUnit.SECONDS), "a removed file is reported");
    assertFalse(first.tryAcquire(200, TimeUnit.MILLISECONDS), "not to a closed registration");
    b.close();
    assertFalse(b.valid());
  }

  @Test
  void aRemovedFolderEndsItsRegistrationAfterTellingItsListener() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("gone"));
    Semaphore told = new Semaphore(0);
    FolderWatch.Registration r = FolderWatch.shared().watch(folder, told::release);
    Files.delete(folder);
    assertTrue(told.tryAcquire(10, TimeUnit.SECONDS));
    // the folder's removal ends the watch, so the next read registers again
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !r.valid());
  }
}
