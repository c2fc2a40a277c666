package io.dekube.kubelet.pod;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelets' watch on their static-pod folders, as kube's file source watches its folder with inotify: one
 * {@link WatchService} for the process (the JDK's is inotify on Linux) and one daemon thread that waits on it and
 * tells each folder's listeners that an entry was created, changed or removed. Listeners run on that thread and must
 * only hand the news on (to their own context). Registering and closing talk to the OS: call them off event loops.
 */
final class FolderWatch {

  private static final Logger LOG = LoggerFactory.getLogger(FolderWatch.class);
  private static FolderWatch shared;

  private final WatchService service;
  /** Listeners by the folder's key; guarded by {@code this} where changed. */
  private final Map<WatchKey, List<Runnable>> listeners = new HashMap<>();

  /** A folder's registration: {@link #valid()} until the folder is removed or the registration closed. */
  interface Registration extends AutoCloseable {
    boolean valid();

    @Override
    void close();
  }

  private FolderWatch() throws IOException {
    service = FileSystems.getDefault().newWatchService();
    Thread t = new Thread(this::run, "dekube-static-pod-watch");
    t.setDaemon(true);
    t.start();
  }

  /** The process's watch, made at the first call. Blocking. */
  static synchronized FolderWatch shared() throws IOException {
    if (shared == null) {
      shared = new FolderWatch();
    }
    return shared;
  }

  /** Calls {@code changed} whenever an entry of {@code folder} is created, modified or removed. Blocking. */
  Registration watch(Path folder, Runnable changed) throws IOException {
    WatchKey key = folder.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    synchronized (this) {
      listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(changed);
    }
    return new Registration() {
      @Override
      public boolean valid() {
        return key.isValid();
      }

      @Override
      public void close() {
        synchronized (FolderWatch.this) {
          List<Runnable> l = listeners.get(key);
          if (l != null && l.remove(changed) && l.isEmpty()) {
            listeners.remove(key);
            key.cancel();
          }
        }
      }
    };
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      key.pollEvents(); // what changed does not matter: the listener reads the folder again
      List<Runnable> l;
      synchronized (this) {
        l = listeners.get(key);
        if (!key.reset()) {
          listeners.remove(key); // the folder is gone: its listeners hear of it once and register again later
        }
      }
      if (l != null) {
        for (Runnable r : l) {
          try {
            r.run();
          } catch (RuntimeException e) {
            LOG.warn("static pod folder listener failed", e);
          }
        }
      }
    }
  }
}
