package org.kowalski.api.skymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kowalski.common.testing.TestConfigs;

class SkymapDownloadsTest {

    private static SkymapDownloads allowing(List<String> hosts) {
        return new SkymapDownloads(TestConfigs.embedded(Map.of("server", Map.of("skymap_download_hosts", hosts))));
    }

    @Test
    void defaultAllowsNoHost() {
        SkymapDownloads downloads = new SkymapDownloads(TestConfigs.embedded(Map.of()));

        assertThat(downloads.isAllowed(URI.create("https://gracedb.ligo.org/api/superevents/S1/files/a.fits")))
                .isFalse();
        assertThat(downloads.isAllowed(URI.create("http://169.254.169.254/latest/meta-data/")))
                .isFalse();
    }

    @Test
    void hostsAndDomainsMatched() {
        SkymapDownloads downloads = allowing(List.of("GraceDB.ligo.org", ".nasa.gov"));

        assertThat(downloads.isAllowed(URI.create("https://gracedb.ligo.org/x.fits")))
                .isTrue();
        assertThat(downloads.isAllowed(URI.create("https://heasarc.gsfc.nasa.gov/x.fit")))
                .isTrue();
        assertThat(downloads.isAllowed(URI.create("https://evilnasa.gov/x.fit")))
                .isFalse();
        assertThat(downloads.isAllowed(URI.create("https://gracedb.ligo.org.example.com/x.fits")))
                .isFalse();
        assertThat(downloads.isAllowed(URI.create("https://ligo.org/x.fits"))).isFalse();
    }

    @Test
    void scalarSettingRejected() {
        assertThatThrownBy(() -> SkymapDownloads.allowedHosts("gracedb.ligo.org"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server.skymap_download_hosts")
                .hasMessageContaining("set a list of host names");
    }
}
