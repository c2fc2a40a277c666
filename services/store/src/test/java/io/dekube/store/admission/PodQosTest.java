package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.core.model.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodQosTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "nothing asked                    | BestEffort | {'containers':[{'name':'a'}]}",
      "only an extended resource        | BestEffort | {'containers':[{'name':'a','resources':{'requests':{'example.com/dongle':'3'},'limits':{'example.com/dongle':'3'}}}]}",
      "only ephemeral storage           | BestEffort | {'containers':[{'name':'a','resources':{'requests':{'ephemeral-storage':'1Gi'}}}]}",
      "zero amounts                     | BestEffort | {'containers':[{'name':'a','resources':{'requests':{'cpu':'0'}}}]}",
      "requests equal limits            | Guaranteed | {'containers':[{'name':'a','resources':{'requests':{'cpu':'1','memory':'1Gi'},'limits':{'cpu':'1000m','memory':'1Gi'}}}]}",
      "a dongle beside equal cpu/memory | Guaranteed | {'containers':[{'name':'a','resources':{'requests':{'cpu':'1','memory':'1Gi','example.com/dongle':'1'},'limits':{'cpu':'1','memory':'1Gi','example.com/dongle':'1'}}}]}",
      "a container without limits       | Burstable  | {'containers':[{'name':'a','resources':{'requests':{'cpu':'1','memory':'1Gi'},'limits':{'cpu':'1','memory':'1Gi'}}},{'name':'b'}]}",
      "requests below limits            | Burstable  | {'containers':[{'name':'a','resources':{'requests':{'cpu':'500m','memory':'1Gi'},'limits':{'cpu':'1','memory':'1Gi'}}}]}",
      "only a cpu limit                 | Burstable  | {'containers':[{'name':'a','resources':{'requests':{'cpu':'1'},'limits':{'cpu':'1'}}}]}",
  })
  void classifiesAsKubeDoes(String name, String qos, String spec) throws Exception {
    assertEquals(qos, PodQos.of(Json.MAPPER.readTree(spec.replace('\'', '"'))), name);
  }
}
