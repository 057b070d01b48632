package io.strata.fetcher.layer.estargz;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The TOC of an eStargz blob ({@code stargz.index.json}, docs/estargz.md "TOC, TOCEntries and Footer"), as
 * JSON models. Fields absent from the JSON are null; {@code NumLink} and other fields Strata does not use are
 * ignored. Reading and writing both go through this class so that the two sides agree on names.
 *
 * @param version 1
 * @param entries one per tar entry, plus one {@code chunk} entry per further chunk of a regular file
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record Toc(Integer version, List<TocEntry> entries) {

    /** The name of the TOC's tar entry, the last entry of the blob. */
    static final String TAR_NAME = "stargz.index.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
            .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);

    /**
     * One TOC entry. Numbers are boxed so that "absent" stays distinguishable from 0 (the writer omits zero
     * values, as the reference implementation does).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TocEntry(
            String name,
            String type,
            Long size,
            String modtime,
            String linkName,
            Long mode,
            Long uid,
            Long gid,
            String userName,
            String groupName,
            Long devMajor,
            Long devMinor,
            Map<String, String> xattrs,
            String digest,
            Long offset,
            Long chunkOffset,
            Long chunkSize,
            String chunkDigest,
            Long innerOffset) {

        long sizeOr0() {
            return size == null ? 0 : size;
        }

        long offsetOr0() {
            return offset == null ? 0 : offset;
        }

        long chunkOffsetOr0() {
            return chunkOffset == null ? 0 : chunkOffset;
        }

        long chunkSizeOr0() {
            return chunkSize == null ? 0 : chunkSize;
        }
    }

    /** Parses TOC JSON. @throws IOException (Jackson's) when it is not a TOC */
    static Toc parse(byte[] json) throws IOException {
        Toc toc = JSON.readValue(json, Toc.class);
        if (toc == null || toc.entries() == null) {
            throw new IOException("the TOC JSON has no \"entries\" array");
        }
        return toc;
    }

    /** The JSON bytes of this TOC (compact: its digest is what the annotation names, so write it once). */
    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JSON.writeValue(out, this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
