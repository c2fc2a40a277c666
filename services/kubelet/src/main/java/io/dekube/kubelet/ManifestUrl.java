package io.dekube.kubelet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's web source of static pods: its {@code staticPodURL} ({@code --manifest-url}) and the HTTP headers it
 * sends with each GET ({@code staticPodURLHeader}, {@code --manifest-url-header 'a:hello,b:again'}; a name may come
 * more than once, its values sent in order). Immutable.
 */
public record ManifestUrl(String url, List<Map.Entry<String, String>> headers) {

  public ManifestUrl {
    headers = List.copyOf(headers);
  }

  /**
   * {@code --manifest-url-header}'s value as kube's flag reads it ({@code ColonSeparatedMultimapStringString}):
   * comma-separated {@code name:value} pairs, each split at its first colon; IllegalArgumentException, in the flag
   * package's words, for a pair without one.
   */
  public static List<Map.Entry<String, String>> headers(String flag) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (flag == null || flag.isEmpty()) {
      return out;
    }
    for (String pair : flag.split(",")) {
      if (pair.isEmpty()) {
        continue;
      }
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("invalid argument \"" + flag + "\" for \"--manifest-url-header\" flag: "
            + "malformed pair, expect string:string");
      }
      out.add(Map.entry(pair.substring(0, colon).trim(), pair.substring(colon + 1)));
    }
    return out;
  }
}
