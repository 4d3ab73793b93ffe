package org.kowalski.api.skymap;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.kowalski.api.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * A GCN notice in VOEvent 2.0 XML, with the fields that a skymap upload takes from it: event time,
 * trigger id, aliases, the URL of a HEALPix skymap and the error circle.
 *
 * <p>Parsing rejects DOCTYPE declarations, so no external entity or DTD is ever read.
 */
final class VoeventNotice {

    private static final Logger log = LoggerFactory.getLogger(VoeventNotice.class);

    static final String NAMESPACE = "http://www.ivoa.net/xml/VOEvent/v2.0";
    static final String INVALID_MESSAGE = "ValueError: xml file is not valid VOEvent";
    static final String NO_SKYMAP_MESSAGE = "ValueError: Could not get skymap from VOEvent file";

    /** GCN notice types (the {@code Packet_Type} parameter) of Fermi GBM positions. */
    static final int FERMI_GBM_FLT_POS = 111;

    static final int FERMI_GBM_GND_POS = 112;
    static final int FERMI_GBM_FIN_POS = 115;
    static final int FERMI_GBM_SUBTHRESH = 131;

    /** The 95% quantile of the chi distribution with 2 degrees of freedom, sqrt(-2 ln 0.05). */
    static final double CHI2_QUANTILE_95 = Math.sqrt(-2 * Math.log(0.05));

    private static final Set<String> ROLES = Set.of("observation", "prediction", "utility", "test");
    private static final Set<String> TOP_LEVEL_ELEMENTS =
            Set.of("Who", "What", "WhereWhen", "How", "Why", "Citations", "Description", "Reference");
    private static final Pattern ISO_TIME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?Z?");

    private final Element root;

    private VoeventNotice(Element root) {
        this.root = root;
    }

    /**
     * Parses a notice and checks that it is a VOEvent 2.0 document.
     *
     * @throws ApiException 400 {@value #INVALID_MESSAGE} for XML that is malformed, has a DOCTYPE or is
     *     not a VOEvent 2.0 document
     */
    static VoeventNotice parse(String xml) {
        Element root;
        try {
            root = secureBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (SAXException | IOException e) {
            log.info("Rejected a VOEvent that the XML parser cannot read: {}", e.getMessage());
            throw ApiException.badRequest(INVALID_MESSAGE);
        }
        String problem = structureProblem(root);
        if (problem != null) {
            log.info("Rejected a VOEvent: {}", problem);
            throw ApiException.badRequest(INVALID_MESSAGE);
        }
        return new VoeventNotice(root);
    }

    private static final ErrorHandler RETHROW = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
            // Warnings do not make a document invalid.
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    };

    /** Returns a parser that rejects DOCTYPE declarations and never resolves external entities. */
    private static DocumentBuilder secureBuilder() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder;
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            builder = factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The XML parser of this JVM cannot be made safe from external entities", e);
        }
        builder.setEntityResolver((publicId, systemId) -> {
            throw new SAXException("external entities are not allowed: " + systemId);
        });
        builder.setErrorHandler(RETHROW);
        return builder;
    }

    /**
     * Returns what makes a document other than VOEvent 2.0, or {@code null} when nothing does. The
     * official XSD is not bundled, so this checks its main rules by hand: the root element {@code VOEvent}
     * in the VOEvent 2.0 namespace with {@code version="2.0"}, an {@code ivo://} ivorn and a known role,
     * only the top-level elements that the schema defines, unqualified, and at least a {@code WhereWhen}
     * or a {@code What} part.
     */
    private static String structureProblem(Element root) {
        if (!"VOEvent".equals(root.getLocalName()) || !NAMESPACE.equals(root.getNamespaceURI())) {
            return "root element {" + root.getNamespaceURI() + "}" + root.getLocalName() + " is not {" + NAMESPACE
                    + "}VOEvent";
        }
        if (!"2.0".equals(root.getAttribute("version").trim())) {
            return "version '" + root.getAttribute("version") + "' is not 2.0";
        }
        String ivorn = root.getAttribute("ivorn").trim();
        if (!ivorn.startsWith("ivo://") || ivorn.length() == "ivo://".length()) {
            return "ivorn '" + ivorn + "' is not an ivo:// identifier";
        }
        if (!ROLES.contains(root.getAttribute("role").trim())) {
            return "role '" + root.getAttribute("role") + "' is not one of " + ROLES;
        }
        boolean hasContent = false;
        for (Element child : children(root)) {
            if (child.getNamespaceURI() != null || !TOP_LEVEL_ELEMENTS.contains(child.getLocalName())) {
                return "element {" + child.getNamespaceURI() + "}" + child.getLocalName()
                        + " is not a top-level VOEvent element";
            }
            hasContent |= child.getLocalName().equals("WhereWhen")
                    || child.getLocalName().equals("What");
        }
        return hasContent ? null : "it has neither WhereWhen nor What";
    }

    String ivorn() {
        return root.getAttribute("ivorn").trim();
    }

    /** Returns the stream name of the ivorn, such as {@code AMON} for {@code ivo://nasa.gsfc.gcn/AMON#...}. */
    String stream() {
        String path = ivorn().substring("ivo://".length());
        int slash = path.indexOf('/');
        if (slash < 0) {
            return "";
        }
        String stream = path.substring(slash + 1);
        int fragment = stream.indexOf('#');
        return fragment < 0 ? stream : stream.substring(0, fragment);
    }

    /** Returns the GCN notice type from the {@code Packet_Type} parameter, or {@code null} without one. */
    Integer noticeType() {
        String value = paramValue("Packet_Type");
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Returns the event time, the first {@code ISOTime} under {@code WhereWhen}, rounded to the nearest
     * second, or {@code null} when the notice has none.
     *
     * @throws ApiException 400 when the time is not an ISO 8601 UTC time
     */
    LocalDateTime eventTime() {
        Element whereWhen = child(root, "WhereWhen");
        Element isoTime = whereWhen == null ? null : firstDescendant(whereWhen, "ISOTime");
        if (isoTime == null) {
            return null;
        }
        String text = isoTime.getTextContent().trim();
        Matcher matcher = ISO_TIME.matcher(text);
        try {
            if (matcher.matches()) {
                LocalDateTime seconds = LocalDateTime.parse(matcher.group(1));
                String fraction = matcher.group(2);
                boolean roundUp =
                        fraction != null && new BigDecimal("0" + fraction).compareTo(new BigDecimal("0.5")) >= 0;
                return roundUp ? seconds.plusSeconds(1) : seconds;
            }
        } catch (DateTimeParseException e) {
            // Reported below.
        }
        throw ApiException.badRequest("ValueError: the VOEvent ISOTime '" + text
                + "' is not a UTC time YYYY-MM-DDTHH:MM:SS[.SSS]; correct it or send dateobs in the request body");
    }

    /**
     * Returns the integer value of the {@code TrigID} parameter, as an Integer when it fits in 32 bits, or
     * {@code null} when the notice has none.
     *
     * @throws ApiException 400 when the value is not an integer
     */
    Number triggerId() {
        String value = paramValue("TrigID");
        if (value == null) {
            return null;
        }
        try {
            long id = Long.parseLong(value.trim());
            return id == (int) id ? (Number) (int) id : (Number) id;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("ValueError: invalid literal for int() with base 10: '" + value
                    + "' (the TrigID parameter of the VOEvent must be an integer)");
        }
    }

    /**
     * Returns the aliases that the notice gives: {@code FERMI#<trigger>} for Fermi GBM positions, with the
     * trigger name from the folder of {@code LightCurve_URL} (such as {@code bn180116026} in
     * {@code .../triggers/2018/bn180116026/quicklook/glg_lc_all_bn180116026_v00.gif}), and
     * {@code LVC#<GraceID>} for gravitational-wave notices.
     */
    List<String> aliases() {
        List<String> aliases = new ArrayList<>();
        Integer type = noticeType();
        String lightCurveUrl = paramValue("LightCurve_URL");
        if (type != null
                && (type == FERMI_GBM_FLT_POS || type == FERMI_GBM_GND_POS || type == FERMI_GBM_FIN_POS)
                && lightCurveUrl != null) {
            String[] parts = lightCurveUrl.trim().split("/");
            if (parts.length >= 3 && !parts[parts.length - 3].isBlank()) {
                aliases.add("FERMI#" + parts[parts.length - 3]);
            }
        }
        String graceId = paramValue("GraceID");
        if (graceId != null && !graceId.isBlank()) {
            aliases.add("LVC#" + graceId.trim());
        }
        return aliases;
    }

    /**
     * Returns the URL of the notice's HEALPix skymap, or {@code null} when it links none: for Fermi GBM
     * final positions the {@code LocationMap_URL} plot with {@code _locplot_} replaced by {@code _healpix_}
     * and {@code .png} by {@code .fit}, for Fermi GBM subthreshold notices {@code HealPix_URL}, and for
     * gravitational-wave notices the {@code skymap_fits} parameter.
     */
    String healpixUrl() {
        Integer type = noticeType();
        if (type != null && type == FERMI_GBM_FIN_POS) {
            String plot = paramValue("LocationMap_URL");
            if (plot != null) {
                return plot.trim().replace("_locplot_", "_healpix_").replace(".png", ".fit");
            }
        }
        if (type != null && type == FERMI_GBM_SUBTHRESH) {
            String url = paramValue("HealPix_URL");
            if (url != null) {
                return url.trim();
            }
        }
        String skymap = paramValue("skymap_fits");
        return skymap == null || skymap.isBlank() ? null : skymap.trim();
    }

    /** Returns whether the notice retracts an earlier one: a {@code Retraction} parameter of 1 or true. */
    boolean isRetraction() {
        String value = paramValue("Retraction");
        return value != null && (value.trim().equals("1") || value.trim().equalsIgnoreCase("true"));
    }

    /**
     * Returns the error circle of {@code WhereWhen//Position2D} as a Gaussian cone, or {@code null} when
     * the notice has no complete one. AMON notices give a 90% radius, which is converted to one sigma by
     * dividing by {@link #CHI2_QUANTILE_95}, as the Python original does; other streams give one sigma.
     *
     * @throws ApiException 400 when a coordinate is not a number or the cone is invalid
     */
    GaussianCone errorCone() {
        Element whereWhen = child(root, "WhereWhen");
        Element position = whereWhen == null ? null : firstDescendant(whereWhen, "Position2D");
        Element value = position == null ? null : child(position, "Value2");
        Element ra = value == null ? null : child(value, "C1");
        Element dec = value == null ? null : child(value, "C2");
        Element error = position == null ? null : child(position, "Error2Radius");
        if (ra == null || dec == null || error == null) {
            return null;
        }
        double raDeg = number(ra);
        double decDeg = number(dec);
        double errorDeg = number(error);
        if (stream().equals("AMON")) {
            errorDeg /= CHI2_QUANTILE_95;
        }
        try {
            return new GaussianCone(raDeg, decDeg, errorDeg);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(NO_SKYMAP_MESSAGE + ": " + e.getMessage());
        }
    }

    private static double number(Element element) {
        String text = element.getTextContent().trim();
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("ValueError: could not convert string to float: '" + text
                    + "' (the VOEvent Position2D " + element.getLocalName() + " must be a number of degrees)");
        }
    }

    /** Returns the {@code value} attribute of the first {@code Param} with a name, or {@code null}. */
    private String paramValue(String name) {
        NodeList params = root.getElementsByTagNameNS("*", "Param");
        for (int i = 0; i < params.getLength(); i++) {
            Element param = (Element) params.item(i);
            if (name.equals(param.getAttribute("name")) && param.hasAttribute("value")) {
                return param.getAttribute("value");
            }
        }
        return null;
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                elements.add(element);
            }
        }
        return elements;
    }

    private static Element child(Element parent, String localName) {
        for (Element element : children(parent)) {
            if (localName.equals(element.getLocalName())) {
                return element;
            }
        }
        return null;
    }

    private static Element firstDescendant(Element parent, String localName) {
        NodeList matches = parent.getElementsByTagNameNS("*", localName);
        return matches.getLength() == 0 ? null : (Element) matches.item(0);
    }
}
