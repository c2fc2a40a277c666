package io.dekube.apiserver.discovery;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' order of API versions, most preferred first: GA before beta before alpha, higher
 * major versions first, then higher beta/alpha numbers ({@code v1, v1beta2, v1beta1, v1alpha1}),
 * then versions of any other shape, alphabetically. Pure.
 */
public final class KubeVersionOrder implements Comparator<String> {

  /** The shared comparator. */
  public static final KubeVersionOrder INSTANCE = new KubeVersionOrder();

  private static final Pattern KUBE = Pattern.compile("^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$");

  private KubeVersionOrder() {
  }

  @Override
  public int compare(String a, String b) {
    Matcher ma = KUBE.matcher(a);
    Matcher mb = KUBE.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      return ka == kb ? a.compareTo(b) : (ka ? -1 : 1);
    }
    int byLevel = Integer.compare(level(mb.group(2)), level(ma.group(2)));
    if (byLevel != 0) {
      return byLevel;
    }
    int byMajor = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (byMajor != 0 || ma.group(3) == null) {
      return byMajor;
    }
    return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
  }

  private static int level(String stage) {
    return stage == null ? 2 : stage.equals("beta") ? 1 : 0;
  }
}
