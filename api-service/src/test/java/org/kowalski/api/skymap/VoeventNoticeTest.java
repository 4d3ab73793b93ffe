package org.kowalski.api.skymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.kowalski.api.web.ApiException;

class VoeventNoticeTest {

    private static String notice(String ivorn, String params, String isoTime, String position) {
        return "<voe:VOEvent xmlns:voe=\"http://www.ivoa.net/xml/VOEvent/v2.0\" ivorn=\"" + ivorn
                + "\" role=\"observation\" version=\"2.0\"><What>" + params + "</What>"
                + "<WhereWhen><ObsDataLocation><ObservationLocation><AstroCoords>"
                + "<Time><TimeInstant><ISOTime>" + isoTime + "</ISOTime></TimeInstant></Time>" + position
                + "</AstroCoords></ObservationLocation></ObsDataLocation></WhereWhen></voe:VOEvent>";
    }

    private static String position(String raDeg, String decDeg, String errorDeg) {
        return "<Position2D unit=\"deg\"><Value2><C1>" + raDeg + "</C1><C2>" + decDeg + "</C2></Value2>"
                + "<Error2Radius>" + errorDeg + "</Error2Radius></Position2D>";
    }

    @Test
    void amonRadiusConvertedToOneSigma() {
        VoeventNotice notice = VoeventNotice.parse(notice(
                "ivo://nasa.gsfc.gcn/AMON#ICECUBE_Gold_Event2023-06-01T10:00:00_1_2",
                "<Param name=\"Packet_Type\" value=\"173\"/>",
                "2023-06-01T10:00:00.00",
                position("40.5", "12.25", "1.2")));

        GaussianCone cone = notice.errorCone();

        assertThat(notice.stream()).isEqualTo("AMON");
        // The 95% quantile of the chi distribution with 2 degrees of freedom is sqrt(5.991464547...).
        assertThat(VoeventNotice.CHI2_QUANTILE_95).isCloseTo(2.447746830680816, within(1e-12));
        assertThat(cone.sigmaDeg()).isCloseTo(1.2 / 2.447746830680816, within(1e-12));
        assertThat(cone.name()).isEqualTo("40.50000_12.25000_0.49025");
    }

    @Test
    void otherStreamsKeepOneSigmaRadius() {
        VoeventNotice notice = VoeventNotice.parse(notice(
                "ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_1234567-890",
                "<Param name=\"Packet_Type\" value=\"61\"/>",
                "2023-06-01T10:00:00",
                position("40.5", "12.25", "0.05")));

        assertThat(notice.errorCone().sigmaDeg()).isEqualTo(0.05);
    }

    @Test
    void eventTimeRoundedToSecond() {
        String position = position("1", "2", "3");
        String params = "";

        assertThat(VoeventNotice.parse(notice("ivo://x/y#1", params, "2019-04-25T08:18:05.4999", position))
                        .eventTime())
                .isEqualTo(LocalDateTime.of(2019, 4, 25, 8, 18, 5));
        assertThat(VoeventNotice.parse(notice("ivo://x/y#1", params, "2019-04-25T08:18:05.5", position))
                        .eventTime())
                .isEqualTo(LocalDateTime.of(2019, 4, 25, 8, 18, 6));
        assertThat(VoeventNotice.parse(notice("ivo://x/y#1", params, "2019-12-31T23:59:59.75Z", position))
                        .eventTime())
                .isEqualTo(LocalDateTime.of(2020, 1, 1, 0, 0, 0));
        assertThatThrownBy(() -> VoeventNotice.parse(notice("ivo://x/y#1", params, "yesterday", position))
                        .eventTime())
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("'yesterday'");
    }

    @Test
    void triggerIdKeepsIntegerSize() {
        String position = position("1", "2", "3");

        assertThat(VoeventNotice.parse(notice(
                                "ivo://x/y#1",
                                "<Param name=\"TrigID\" value=\"524666471\"/>",
                                "2020-01-01T00:00:00",
                                position))
                        .triggerId())
                .isEqualTo(524666471);
        assertThat(VoeventNotice.parse(notice(
                                "ivo://x/y#1",
                                "<Param name=\"TrigID\" value=\"5246664710\"/>",
                                "2020-01-01T00:00:00",
                                position))
                        .triggerId())
                .isEqualTo(5246664710L);
        assertThat(VoeventNotice.parse(notice("ivo://x/y#1", "", "2020-01-01T00:00:00", position))
                        .triggerId())
                .isNull();
    }

    @Test
    void subthresholdNoticeLinksHealpixUrl() {
        VoeventNotice notice = VoeventNotice.parse(notice(
                "ivo://nasa.gsfc.gcn/Fermi#GBM_SubThresh_2019-05-04T16:16:28.00_578679123_0-520",
                "<Param name=\"Packet_Type\" value=\"131\"/>"
                        + "<Param name=\"HealPix_URL\" value=\"http://127.0.0.1:9/gbm_subthresh_578679123.fits\"/>",
                "2019-05-04T16:16:28.00",
                position("1", "2", "3")));

        assertThat(notice.healpixUrl()).isEqualTo("http://127.0.0.1:9/gbm_subthresh_578679123.fits");
        assertThat(notice.aliases()).isEmpty();
    }
}
