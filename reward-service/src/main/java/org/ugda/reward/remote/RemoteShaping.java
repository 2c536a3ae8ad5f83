package org.ugda.reward.remote;

import java.util.Locale;

/** How the members' rewards become the one reward OpenRLHF trains on. */
enum RemoteShaping {
  MEAN(0),
  LCB(1),
  UWO(0.1);

  final double defaultLambda;

  RemoteShaping(double defaultLambda) {
    this.defaultLambda = defaultLambda;
  }

  static RemoteShaping of(String s) {
    for (RemoteShaping r : values()) {
      if (r.name().toLowerCase(Locale.ROOT).equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("shaping must be mean, lcb or uwo, got '" + s + "'");
  }

  double apply(double mean, double variance, double lambda) {
    return switch (this) {
      case MEAN -> mean;
      case LCB -> mean - lambda * Math.sqrt(variance);
      case UWO -> mean - lambda * variance;
    };
  }
}
