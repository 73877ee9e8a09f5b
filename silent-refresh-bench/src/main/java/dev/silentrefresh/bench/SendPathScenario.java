package dev.silentrefresh.bench;

import dev.silentrefresh.bench.jmh.JdkClientBenchmark;
import dev.silentrefresh.bench.jmh.OkHttpInterceptorBenchmark;
import dev.silentrefresh.bench.jmh.RestClientBenchmark;
import dev.silentrefresh.bench.jmh.SendPathBenchmark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The send path under JMH ({@code -prof gc}): core's token lookup and attach, uncontended and contended, and each
 * adapter's per-request work against the same work done by hand ({@code raw}). One fork per benchmark; the median
 * of its measurement iterations, with their spread, and the allocation per operation.
 */
final class SendPathScenario {
  private SendPathScenario() {}

  static List<Map<String, Object>> run(Settings settings, Path work, Progress progress) throws Exception {
    progress.say("send path: JMH, " + settings.jmhIterations() + " × " + settings.jmhIteration().toMillis()
        + " ms per benchmark, -prof gc");
    Options options = new OptionsBuilder()
        .include(SendPathBenchmark.class.getName())
        .include(OkHttpInterceptorBenchmark.class.getName())
        .include(JdkClientBenchmark.class.getName())
        .include(RestClientBenchmark.class.getName())
        .forks(1)
        .warmupIterations(Math.max(1, settings.jmhIterations() - 1))
        .warmupTime(TimeValue.milliseconds(settings.jmhIteration().toMillis()))
        .measurementIterations(settings.jmhIterations())
        .measurementTime(TimeValue.milliseconds(settings.jmhIteration().toMillis()))
        .timeUnit(TimeUnit.NANOSECONDS)
        .addProfiler(GCProfiler.class)
        .jvmArgsAppend("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .shouldFailOnError(true)
        .result(work.resolve("jmh.json").toString())
        .resultFormat(ResultFormatType.JSON)
        .output(work.resolve("jmh.log").toString())
        .build();
    Collection<RunResult> results = new Runner(options).run();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (RunResult r : results) {
      String benchmark = r.getParams().getBenchmark();
      Result<?> primary = r.getPrimaryResult();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("benchmark", benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1));
      row.put("threads", r.getParams().getThreads());
      row.put("nanosPerOp", Stats.round(primary.getStatistics().getPercentile(50), 1));
      row.put("nanosMin", Stats.round(primary.getStatistics().getMin(), 1));
      row.put("nanosMax", Stats.round(primary.getStatistics().getMax(), 1));
      row.put("iterations", primary.getStatistics().getN());
      for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
        if (e.getKey().endsWith("gc.alloc.rate.norm")) {
          row.put("bytesPerOp", Stats.round(e.getValue().getStatistics().getPercentile(50), 0));
        }
      }
      rows.add(row);
    }
    return rows;
  }
}
