package org.ugda.relabel.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.AgreementReport;
import org.ugda.api.relabel.ClaimRequest;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.LabelSubmission;
import org.ugda.api.relabel.RelabelClient;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.api.relabel.ScoreAgreement;
import org.ugda.relabel.support.RelabelServiceHttpTest;
import org.ugda.world.expert.SimulatedExpert;
import org.ugda.world.gold.GoldReward;
import org.ugda.world.responses.Responder;
import org.ugda.world.tasks.Task;
import org.ugda.world.tasks.TaskSampler;
import org.ugda.world.text.Dialogue;

/**
 * Through the {@link RelabelClient} other services use: the benchmark world's simulated expert
 * labels world items (and refuses others), "people" label the same items with the gold label, and
 * the agreement endpoint reports table 1 and Cohen's kappa as computed here independently.
 */
class SimulatedExpertAgreementHttpTest extends RelabelServiceHttpTest {

  @Test
  void shouldLabelWorldItemsWithTheSimulatedExpertAndMeasureItsAgreementWithPeople() {
    RelabelClient client = client();
    SplittableRandom random = new SplittableRandom(11);
    TaskSampler sampler = new TaskSampler(random, 0.5);
    List<RelabelItem> items = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Task task = sampler.next();
      List<Responder.Kind> kinds = Responder.kinds(task.subtask());
      items.add(
          new RelabelItem(
              "w" + i,
              Dialogue.prompt(task.humanText()),
              Responder.write(task, kinds.get(random.nextInt(kinds.size())), random)));
    }
    List<RelabelItem> withForeign = new ArrayList<>(items);
    withForeign.add(
        new RelabelItem(
            "foreign",
            "\n\nHuman: write me a poem about the sea " + runId() + "\n\nAssistant:",
            "The sea is wide."));

    RelabelJob simulated =
        awaitSettled(client.createJob(null, new CreateRelabelJob("simulated", withForeign)).id());

    SimulatedExpert expert = new SimulatedExpert(42, SimulatedExpert.DEFAULT_AGREEMENT);
    assertThat(simulated.state()).isEqualTo(JobState.FAILED);
    assertThat(simulated.progress().labelled()).isEqualTo(40);
    assertThat(simulated.errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.externalId()).isEqualTo("foreign");
              assertThat(error.message()).contains("only prompts of the benchmark world");
            });
    List<Label> simulatedLabels = client.labels(simulated.id());
    for (Label label : simulatedLabels) {
      RelabelItem item = items.get(label.ordinal());
      assertThat(label.score()).isEqualTo(expert.label(item.prompt(), item.response()).getAsInt());
      assertThat(label.labeller()).isEqualTo("simulated(seed=42, agreement=0.87)");
    }

    RelabelJob people =
        awaitSettled(client.createJob(null, new CreateRelabelJob("human", items)).id());
    Map<String, Integer> gold = new HashMap<>();
    for (int labelled = 0; labelled < items.size(); labelled++) {
      HumanTask task = client.claim(new ClaimRequest("gold-labeller", people.id())).getBody();
      int truth = SimulatedExpert.trueLabel(GoldReward.of(task.prompt(), task.response()));
      gold.put(task.externalId(), truth);
      client.submit(
          task.taskId(), new LabelSubmission(task.claimId(), "gold-labeller", truth, null));
    }
    ResponseEntity<HumanTask> empty = client.claim(new ClaimRequest("gold-labeller", people.id()));

    assertThat(empty.getStatusCode().value()).isEqualTo(204);
    assertThat(client.job(people.id()).state()).isEqualTo(JobState.SUCCEEDED);
    AgreementReport report = client.agreement("human:gold-labeller", "simulated", people.id());
    int[][] confusion = new int[5][5];
    int same = 0;
    for (Label label : simulatedLabels) {
      int truth = gold.get(label.externalId());
      confusion[truth - 1][label.score() - 1]++;
      same += truth == label.score() ? 1 : 0;
    }
    assertThat(report.sharedItems()).isEqualTo(40);
    assertThat(report.overallAgreement()).isEqualTo(same / 40.0);
    assertThat(report.cohensKappa()).isEqualTo(AgreementStatistics.cohensKappa(confusion));
    for (ScoreAgreement row : report.perScore()) {
      int s = row.score() - 1;
      int scoredByA = Arrays.stream(confusion[s]).sum();
      assertThat(row.scoredByA()).isEqualTo(scoredByA);
      assertThat(row.sameByB()).isEqualTo(confusion[s][s]);
    }
    assertThat(report.distributionA().items()).isEqualTo(40);
    // the simulated expert agrees with the gold label at about its configured rate
    assertThat(report.overallAgreement()).isBetween(0.6, 1.0);
  }

  @Test
  void shouldRefuseAnUnknownExpertInTheAgreementQuery() {
    Reply reply = get("/v1/relabel/agreement?expertA=human&expertB=gpt4");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("expertB: expert must be one of");
  }
}
