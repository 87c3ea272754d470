package io.flowswitch.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgPlotTest {
    static Document parse(String svg) throws Exception {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aLineChartIsWellFormedSvgWithOnePolylinePerSeriesAndTheMarker() throws Exception {
        final String svg = SvgPlot.lines("Sizes <sweep> & co", "request size", "µs per request").logX()
            .xTickFormat(x -> (long) x + "B")
            .series("flow", new double[] {1024, 4096, 65536}, new double[] {900, 950, 1200})
            .series("bypass", new double[] {1024, 4096, 65536}, new double[] {20, 40, 500})
            .reference("ideal", new double[] {1024, 65536}, new double[] {0, 100})
            .markX("threshold", 30000)
            .render();
        final Document document = parse(svg);
        assertEquals("svg", document.getDocumentElement().getLocalName());
        assertEquals(3, document.getElementsByTagName("polyline").getLength());
        // Points only on measured series: three each.
        assertEquals(6, document.getElementsByTagName("circle").getLength());
        assertTrue(svg.contains("Sizes &lt;sweep&gt; &amp; co"), svg);
        assertTrue(svg.contains(">threshold</text>"), svg);
        assertTrue(svg.contains(">1024B</text>"), svg);
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
        final NodeList lines = document.getElementsByTagName("line");
        boolean marker = false;
        for (int i = 0; i < lines.getLength(); i++) {
            marker |= "marker".equals(((Element) lines.item(i)).getAttribute("class"));
        }
        assertTrue(marker, "the threshold marker is drawn");
    }

    @Test
    void pointsOnALogAxisKeepTheirOrderAndStayInsideThePlot() throws Exception {
        final String svg = SvgPlot.lines("t", "x", "y").logX()
            .series("s", new double[] {1, 2, 4, 1 << 20}, new double[] {1, 2, 3, 4}).render();
        final String points = ((Element) parse(svg).getElementsByTagName("polyline").item(0)).getAttribute("points");
        double previous = -1;
        for (String point : points.split(" ")) {
            final double x = Double.parseDouble(point.split(",")[0]);
            assertTrue(x > previous && x >= 80 && x <= 760 - 190 + 0.1, points);
            previous = x;
        }
    }

    @Test
    void aBarChartHasOneBarPerSeriesAndCategory() throws Exception {
        final String svg = SvgPlot.bars("Fair shares", List.of("weight 3", "weight 1"), "MiB/s")
            .series("expected", null, new double[] {75, 25})
            .series("measured", null, new double[] {74, 26})
            .render();
        // The background and four bars.
        assertEquals(5, parse(svg).getElementsByTagName("rect").getLength());
    }

    @Test
    void emptyOrZeroSeriesStillRender() throws Exception {
        parse(SvgPlot.lines("t", "x", "y").series("zeros", new double[] {0, 1}, new double[] {0, 0}).render());
        parse(SvgPlot.lines("t", "x", "y").render());
    }

    @Test
    void mismatchedSeriesAreRefused() {
        assertThrows(IllegalArgumentException.class,
            () -> SvgPlot.lines("t", "x", "y").series("s", new double[] {1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
            () -> SvgPlot.bars("t", List.of("a"), "y").series("s", null, new double[] {1, 2}));
    }

    @Test
    void niceCeilingsAndTickNumbers() {
        assertEquals(1000, SvgPlot.niceCeiling(812));
        assertEquals(250, SvgPlot.niceCeiling(201));
        assertEquals(0.5, SvgPlot.niceCeiling(0.31), 1e-12);
        assertEquals("2.5", SvgPlot.number(2.5));
        assertEquals("300", SvgPlot.number(300));
    }
}
