package org.ugda.support.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * The id a job-running instance stores as the owner of its jobs: its host name (the pod's name on
 * Kubernetes) and a random part, so that two instances on one host, or one restarted, differ.
 */
public final class InstanceId {
  private InstanceId() {}

  /** A new id, {@code host/8-hex-digits}. */
  public static String next() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}
