package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.images.ImageFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overlay of a jvm container: image files below, the writable layer above, volume mounts over both. */
class ContainerFsTest {

  @TempDir
  Path dir;

  private ContainerFs fs(boolean readOnlyRoot) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(dir.resolve("config/color"), "blue\n");
    return new ContainerFs(dir.resolve("layer"), readOnlyRoot, ImageFiles.of("nginx"),
        Map.of("/etc/hostname", "web\n".getBytes(StandardCharsets.UTF_8)),
        List.of(new ContainerFs.Mount("/data", dir.resolve("data"), false),
            new ContainerFs.Mount("/etc/config", dir.resolve("config"), true)));
  }

  @Test
  void theRootLooksLikeASmallLinuxImageWithTheMountsInIt() throws Exception {
    ContainerFs fs = fs(false);
    List<String> root = fs.list("/");
    assertTrue(root.containsAll(List.of("bin", "data", "etc", "home", "proc", "root", "tmp", "usr", "var")), root.toString());
    assertTrue(fs.list("/etc").containsAll(List.of("config", "hostname", "nginx", "passwd")), fs.list("/etc").toString());
    assertEquals("web\n", new String(fs.read("/etc/hostname"), StandardCharsets.UTF_8));
    assertTrue(new String(fs.read("/usr/share/nginx/html/index.html"), StandardCharsets.UTF_8).contains("Welcome to nginx!"));
    assertEquals("blue\n", new String(fs.read("/etc/config/../config/color"), StandardCharsets.UTF_8));
  }

  @Test
  void writesGoToTheLayerAndHideTheImagesFiles() throws Exception {
    ContainerFs fs = fs(false);
    fs.write("/tmp/hi.txt", "hi\n".getBytes(StandardCharsets.UTF_8), false);
    assertEquals("hi\n", Files.readString(dir.resolve("layer/tmp/hi.txt")));
    fs.write("/etc/passwd", "me:x:1:1::/:/bin/sh\n".getBytes(StandardCharsets.UTF_8), true);
    assertTrue(new String(fs.read("/etc/passwd"), StandardCharsets.UTF_8).startsWith("root:x:0:0"), "copied up");
    assertTrue(new String(fs.read("/etc/passwd"), StandardCharsets.UTF_8).endsWith("me:x:1:1::/:/bin/sh\n"));
    fs.mkdir("/tmp/a");
    assertTrue(fs.stat("/tmp/a").dir());
    assertEquals(List.of("a", "hi.txt"), fs.list("/tmp"));
    assertEquals(ContainerFs.NO_ENTRY, assertThrows(ContainerFs.FsError.class,
        () -> fs.write("/nope/f", new byte[0], false)).getMessage());
    assertEquals(ContainerFs.EXISTS, assertThrows(ContainerFs.FsError.class, () -> fs.mkdir("/tmp")).getMessage());
    assertEquals(ContainerFs.IS_DIR, assertThrows(ContainerFs.FsError.class,
        () -> fs.write("/tmp", new byte[0], false)).getMessage());
  }

  @Test
  void removingAnImagesFolderLeavesAWhiteoutAndANewFolderThereStartsEmpty() throws Exception {
    ContainerFs fs = fs(false);
    fs.remove("/usr/share/nginx", true);
    assertNull(fs.stat("/usr/share/nginx/html/index.html"));
    assertFalse(fs.list("/usr/share").contains("nginx"));
    fs.mkdir("/usr/share/nginx");
    assertEquals(List.of(), fs.list("/usr/share/nginx"));
    fs.remove("/etc/passwd", false);
    assertNull(fs.stat("/etc/passwd"));
    assertEquals(ContainerFs.NOT_EMPTY, assertThrows(ContainerFs.FsError.class, () -> fs.remove("/etc", false))
        .getMessage());
    assertEquals(ContainerFs.BUSY, assertThrows(ContainerFs.FsError.class, () -> fs.remove("/etc", true))
        .getMessage(), "/etc holds a mount");
    assertFalse(fs.list("/etc/nginx").isEmpty());
  }

  @Test
  void mountsWriteThroughUnlessReadOnlyAndAReadOnlyRootRefusesTheLayer() throws Exception {
    ContainerFs fs = fs(true);
    fs.write("/data/f", new byte[] {1, 2}, false);
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(dir.resolve("data/f")));
    assertEquals(ContainerFs.READ_ONLY, assertThrows(ContainerFs.FsError.class,
        () -> fs.write("/etc/config/x", new byte[0], false)).getMessage());
    assertEquals(ContainerFs.READ_ONLY, assertThrows(ContainerFs.FsError.class,
        () -> fs.write("/tmp/x", new byte[0], false)).getMessage());
    assertEquals(ContainerFs.READ_ONLY, assertThrows(ContainerFs.FsError.class, () -> fs.mkdir("/tmp/d")).getMessage());
    assertEquals(ContainerFs.READ_ONLY, assertThrows(ContainerFs.FsError.class, () -> fs.remove("/etc/passwd", false))
        .getMessage());
    assertEquals(ContainerFs.BUSY, assertThrows(ContainerFs.FsError.class, () -> fs.remove("/data", true)).getMessage());
  }

  @Test
  void aFreshLayerForgetsWhatTheContainerWrote() throws Exception {
    ContainerFs fs = fs(false);
    fs.write("/tmp/old", new byte[] {1}, false);
    fs.remove("/etc/passwd", false);
    NodeFiles.freshLayer(fs.layer());
    assertNull(fs.stat("/tmp/old"));
    assertTrue(fs.stat("/etc/passwd") != null, "the image's file is back");
    assertEquals(0, NodeFiles.bytesUnder(fs.layer()));
    fs.write("/root/big", new byte[5000], false);
    assertEquals(5000, NodeFiles.bytesUnder(fs.layer()));
  }

  @Test
  void pathsResolveDotsAndTheWorkingFolder() {
    assertEquals("/tmp/x", ContainerFs.normalize("/tmp", "x"));
    assertEquals("/x", ContainerFs.normalize("/tmp", "../../x"));
    assertEquals("/a/b", ContainerFs.normalize("/", "//a/./b/"));
    assertEquals("/", ContainerFs.normalize("/tmp", ".."));
  }
}
