package dev.silentrefresh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class HtmlReportTest {
  private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

  /** 50 buckets of 100 ms: a burst of rejections at 1.2 s absorbed by one refresh, then a re-login. */
  static Timeline timeline(String dialect, String client, int burstRefreshes) {
    List<Timeline.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      boolean burst = i == 12 || i == 32;
      samples.add(new Timeline.Sample(i * 100L, 130 + (i * 7) % 20, burst ? 12 : 0, burst ? burstRefreshes : 0,
          i == 13 || i == 33 ? 12 : 0, i == 45 ? 3 : 0, burst ? 12 : 0));
    }
    List<Timeline.Band> bands = List.of(new Timeline.Band(0, 1200), new Timeline.Band(1250, 3200),
        new Timeline.Band(3250, 5000));
    List<Timeline.Marker> markers = List.of(new Timeline.Marker(4000, "refresh token expired"),
        new Timeline.Marker(4300, "signed in again"));
    return new Timeline(dialect, client, 5000, 100, samples, bands, markers);
  }

  static String realistic() {
    List<RunSummary> rows = List.of(
        new RunSummary("oauth2", "jdk", 7000, 6997, 3, 24, 2, 1, 0, 1, 1),
        new RunSummary("put-bearer", "jdk", 7010, 7010, 0, 24, 4, 2, 0, 0, 0));
    return HtmlReport.render("Silent Refresh demo", rows,
        List.of(timeline("oauth2", "jdk", 1), timeline("put-bearer", "jdk", 2)));
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilder builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
    builder.setErrorHandler(null);
    return builder.parse(new InputSource(new StringReader(xml)));
  }

  private static List<String> svgs(String html) {
    List<String> found = new ArrayList<>();
    Matcher m = SVG.matcher(html);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  private static List<String> cells(Document doc, int row) throws Exception {
    NodeList tds = (NodeList) XPathFactory.newInstance().newXPath()
        .evaluate("//table/tbody/tr[" + row + "]/td", doc, XPathConstants.NODESET);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < tds.getLength(); i++) {
      texts.add(tds.item(i).getTextContent());
    }
    return texts;
  }

  @Test
  void rendersARealisticReport() throws Exception {
    String html = realistic();

    assertThat(svgs(html)).hasSize(2);
    assertThat(html).contains("<h1>Silent Refresh demo</h1>", "<h2>oauth2 \u00b7 jdk</h2>", "<h2>put-bearer \u00b7 jdk</h2>")
        .containsSubsequence("oauth2 \u00b7 jdk", "put-bearer \u00b7 jdk")
        .contains("<style>").doesNotContain("http://", "https://", "<script", "<link", "<img", "url(");
    for (String svg : svgs(html)) {
      assertThat(parse(svg).getDocumentElement().getNodeName()).isEqualTo("svg");
      assertThat(svg).contains("viewBox=\"0 0 960 ")
          // legend
          .contains(">requests</text>", ">rejected (token expired)</text>", ">replays</text>", ">refresh calls</text>",
              ">waiting (right scale)</text>", ">token lifetimes</text>", ">markers</text>")
          // tooltips: a bucket, a refresh tick, a failure, a band, a marker
          .contains("<title>1.2\u20131.3 s: 134 requests, 12 rejected, 0 replays, 12 waiting</title>",
              "<title>1.3\u20131.4 s: 141 requests, 0 rejected, 12 replays</title>",
              "<title>4.5\u20134.6 s: 3 failures</title>",
              "<title>access token 2: 1.3\u20133.2 s</title>",
              "<title>refresh token expired at 4.0 s</title>",
              ">signed in again</text>", "stroke-dasharray")
          // x axis in seconds, y axis 0..150 in steps of 50
          .contains(">time (s)</text>", ">5</text>", ">150</text>", ">requests / 100 ms</text>");
    }
    assertThat(svgs(html).get(0)).contains("<title>1.2\u20131.3 s: 1 refresh call</title>");
    assertThat(svgs(html).get(1)).contains("<title>1.2\u20131.3 s: 2 refresh calls</title>");

    Document doc = parse(html); // the whole page is well-formed XML too
    assertThat(cells(doc, 1)).containsExactly("oauth2", "jdk", "7000", "6997", "3", "24", "2", "1", "0", "1", "1");
    assertThat(cells(doc, 2)).containsExactly("put-bearer", "jdk", "7010", "7010", "0", "24", "4", "2", "0", "0", "0");
    assertThat(html).contains("<td class=\"n bad\">3</td>", "<td class=\"n bad\">2</td>")
        .doesNotContain("<td class=\"n bad\">0</td>", "<td class=\"n bad\">1</td>");
  }

  @Test
  void oneTickPerRefreshOrACountWhenTheBucketIsTooNarrow() {
    List<Timeline.Sample> herd = List.of(new Timeline.Sample(1000, 50, 20, 7, 0, 0, 20));
    String wide = svgs(HtmlReport.render("t", List.of(), List.of(new Timeline("d", "c", 5000, 100, herd, List.of(),
        List.of())))).get(0);
    String narrow = svgs(HtmlReport.render("t", List.of(), List.of(new Timeline("d", "c", 30_000, 100, herd,
        List.of(), List.of())))).get(0);

    String group = "<g><title>1.0\u20131.1 s: 7 refresh calls</title>";
    assertThat(wide).contains(group).doesNotContain("\u00d77");
    String ticks = wide.substring(wide.indexOf(group), wide.indexOf("</g>", wide.indexOf(group)));
    assertThat(ticks.split("stroke=\"#1f63d6\"", -1)).hasSize(8);
    assertThat(narrow).contains(group, ">\u00d77</text>");
    // a 30 s run has ticks every 5 s: 0, 5, … 30
    assertThat(narrow).contains(">25</text>", ">30</text>").doesNotContain(">29</text>");
  }

  @Test
  void aFleetRunHasALanePerProcessWithItsRefreshesAndAdoptions() throws Exception {
    Timeline base = timeline("oauth2", "jdk", 1);
    List<Timeline.Lane> lanes = List.of(
        new Timeline.Lane("process 1", List.of(new Timeline.Tick(1250, false), new Timeline.Tick(3260, true))),
        new Timeline.Lane("process 2", List.of(new Timeline.Tick(1270, true), new Timeline.Tick(3250, false))),
        new Timeline.Lane("process <3>", List.of(new Timeline.Tick(1290, true), new Timeline.Tick(3300, true),
            new Timeline.Tick(-5, true), new Timeline.Tick(99_000, false))));
    Timeline fleet = new Timeline(base.dialect(), base.client(), base.durationMillis(), base.bucketMillis(),
        base.samples(), base.tokens(), base.markers(), lanes);
    String html = HtmlReport.render("Silent Refresh fleet demo", List.of(), List.of(fleet));

    String svg = svgs(html).get(0);
    assertThat(parse(svg).getDocumentElement().getNodeName()).isEqualTo("svg");
    assertThat(svg).contains(">process 1</text>", ">process 2</text>", ">process &lt;3&gt;</text>",
        "<title>process 1: refreshed 1 time (called the server), adopted 1</title>",
        "<title>process &lt;3&gt;: refreshed 1 time (called the server), adopted 3</title>",
        "<title>process 1: refreshed (called the server) at 1.25 s</title>",
        "<title>process 2: adopted tokens another process refreshed, at 1.27 s</title>",
        ">a process refreshed</text>", ">a process adopted another\u2019s refresh</text>")
        .doesNotContain("at -0.01 s", "at 99.00 s"); // ticks outside the run are not drawn
    // one circle per adoption drawn, plus the legend's
    assertThat(svg.split("<circle", -1)).hasSize(4 + 1 + 1);
    assertThat(html).contains("3 processes \u00b7 over 5 s", "a purple circle where it adopted");
    assertThatCode(() -> parse(html)).doesNotThrowAnyException();
    // a run of one process has neither lanes nor their legend and explanation
    assertThat(realistic()).doesNotContain("<circle", "a process refreshed", "a purple circle");
  }

  @Test
  void isDeterministic() {
    assertThat(realistic()).isEqualTo(realistic());
  }

  @Test
  void escapesHostileText() throws Exception {
    String hostile = "<script>alert(1)</script>&\"'";
    Timeline tl = new Timeline(hostile, hostile, 1000, 100, List.of(new Timeline.Sample(0, 1, 0, 0, 0, 0, 0)),
        List.of(), List.of(new Timeline.Marker(500, hostile)));
    String html = HtmlReport.render(hostile, List.of(new RunSummary(hostile, hostile, 1, 1, 0, 0, 0, 0, 0, 0, 0)),
        List.of(tl));

    assertThat(html).doesNotContain("<script", "alert(1)</").doesNotContain("&\"'")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;");
    Document doc = parse(html);
    assertThat(cells(doc, 1).get(0)).isEqualTo(hostile);
    assertThat(doc.getElementsByTagName("h1").item(0).getTextContent()).isEqualTo(hostile);
  }

  @Test
  void degenerateInputsStillRenderACharts() {
    List<Timeline> degenerate = List.of(
        new Timeline("no-samples", "jdk", 5000, 100, List.of(), List.of(), List.of()),
        new Timeline("zero-duration", "jdk", 0, 0, List.of(), List.of(), List.of()),
        new Timeline("all-zeros", "jdk", 1000, 100,
            List.of(new Timeline.Sample(0, 0, 0, 0, 0, 0, 0), new Timeline.Sample(100, 0, 0, 0, 0, 0, 0)),
            List.of(), List.of()),
        new Timeline("bad-bands", "jdk", 1000, 100, List.of(new Timeline.Sample(0, 5, 1, 1, 1, 0, 1)),
            List.of(new Timeline.Band(800, 200), new Timeline.Band(-500, 99_000), new Timeline.Band(2000, 3000)),
            List.of(new Timeline.Marker(-1, "before"), new Timeline.Marker(60_000, "long after"))),
        new Timeline(null, null, 0, 100, null, null, null));

    for (Timeline tl : degenerate) {
      String html = HtmlReport.render("t", List.of(), List.of(tl));
      assertThat(svgs(html)).as(tl.dialect()).hasSize(1);
      assertThatCode(() -> parse(html)).as(tl.dialect()).doesNotThrowAnyException();
      assertThat(html).doesNotContain("NaN", "Infinity");
    }
    String bad = HtmlReport.render("t", null, List.of(degenerate.get(3)));
    assertThat(bad).doesNotContain("long after", "before")
        .contains("<title>access token 2: -0.5\u201399.0 s</title>")
        .doesNotContain("access token 1:", "access token 3:");
    assertThat(HtmlReport.render("t", null, null)).contains("No runs.", "No timelines");
  }

  @Test
  void writeCreatesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out/report.html");
    HtmlReport.write(file, "Silent Refresh demo \u00e9", List.of(), List.of(timeline("oauth2", "jdk", 1)));

    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .isEqualTo(HtmlReport.render("Silent Refresh demo \u00e9", List.of(), List.of(timeline("oauth2", "jdk", 1))));
  }
}
