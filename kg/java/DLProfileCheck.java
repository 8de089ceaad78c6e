// Checks an ontology document the way Protege will see it: parses it with the
// OWL API (the library Protege is built on), runs the OWL 2 DL profile check and
// reports anything the parser could not turn into axioms.
//
// Usage: java -cp <owlapi classpath>:<class dir> DLProfileCheck [--format F] [--axioms] FILE
//   --axioms additionally prints every axiom as "AXIOM <functional syntax>" (debugging aid).
//   F is one of: auto (default; every parser is tried, like Protege does),
//   rdfxml, turtle, owlxml, functional, manchester.  Forcing the format keeps the
//   parse-error message to the one parser that matters.
//
// Output (stdout, one record per line, tab separated, no tabs/newlines inside
// fields):
//   FORMAT      <document format the parser recognised>
//   ONTOLOGY    <ontology IRI or "anonymous">
//   UNPARSED    <triple>                (triples the RDF parser could not map to OWL)
//   ERROR_ENTITY <IRI>                  (placeholder entities the parser invented for
//                                        malformed constructs; Protege shows them as
//                                        classes/properties called Error1, Error2, ...)
//   GUESSED     <IRI>  <entity kind>    (entities whose type the parser had to guess)
//   MISSING_IMPORT <IRI> <message>
//   AXIOM       <axiom>                 (only with --axioms)
//   VIOLATION   <violation class simple name>  <violation.toString()>
//   SIGNATURE   classes=<n> objectProperties=<n> dataProperties=<n> annotationProperties=<n> individuals=<n> datatypes=<n>
//   AXIOMS      <n>
//   VIOLATIONS  <n>
// Exit status: 0 when the check ran (whatever the number of violations),
//              2 when the document could not be parsed (PARSE_ERROR lines explain),
//              1 on usage errors, 3 on any other failure.

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.FunctionalSyntaxDocumentFormat;
import org.semanticweb.owlapi.formats.ManchesterSyntaxDocumentFormat;
import org.semanticweb.owlapi.formats.OWLXMLDocumentFormat;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.io.OWLParser;
import org.semanticweb.owlapi.io.OWLParserException;
import org.semanticweb.owlapi.io.UnparsableOntologyException;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public final class DLProfileCheck {

    /** Prefix of the IRIs the OWL API gives to entities it had to make up. */
    private static final String ERROR_IRI_PREFIX = "http://org.semanticweb.owlapi/error#";
    private static final String UNPARSED_MARKER = "Unparsed triple: ";

    /** Triples the RDF consumer logged as unparsed (see StderrTap). */
    private static final Set<String> LOGGED_UNPARSED =
        Collections.synchronizedSet(new LinkedHashSet<>());

    private DLProfileCheck() {
    }

    /**
     * OWL API 5.1.20 logs unparsed triples ("Unparsed triple: s -> p -> o", INFO
     * level, OWLRDFConsumer) but leaves RDFParserMetaData.getUnparsedTriples()
     * empty, so the log is the only reliable source.  slf4j-simple writes to
     * whatever System.err is at the time, so System.err is replaced by this tap:
     * it records those lines and passes everything else through.
     */
    private static final class StderrTap extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        StderrTap(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (b == '\n') {
                flushLine();
            } else {
                line.write(b);
            }
        }

        private void flushLine() {
            String text = new String(line.toByteArray(), StandardCharsets.UTF_8);
            line.reset();
            int at = text.indexOf(UNPARSED_MARKER);
            if (at >= 0 && text.contains("OWLRDFConsumer")) {
                LOGGED_UNPARSED.add(text.substring(at + UNPARSED_MARKER.length()).trim());
            } else {
                target.println(text);
            }
        }

        @Override
        public synchronized void flush() {
            if (line.size() > 0) {
                flushLine();
            }
            target.flush();
        }
    }

    /** Fields must stay on one line and must not contain the separator. */
    private static String clean(Object o) {
        String s = String.valueOf(o);
        return s.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ').trim();
    }

    private static void emit(String... fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append('\t');
            }
            sb.append(clean(fields[i]));
        }
        System.out.println(sb);
    }

    private static void setDefaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static OWLDocumentFormat formatFor(String name) {
        switch (name) {
            case "auto":
                return null;
            case "rdfxml":
                return new RDFXMLDocumentFormat();
            case "turtle":
                return new TurtleDocumentFormat();
            case "owlxml":
                return new OWLXMLDocumentFormat();
            case "functional":
                return new FunctionalSyntaxDocumentFormat();
            case "manchester":
                return new ManchesterSyntaxDocumentFormat();
            default:
                throw new IllegalArgumentException("unknown format: " + name);
        }
    }

    public static void main(String[] args) {
        // slf4j-simple is on the class path so that the parser's warnings reach
        // stderr (the caller keeps them); INFO chatter such as "root element does
        // not have an xml:base" is noise, so default to WARN unless overridden.
        setDefaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefaultProperty("org.slf4j.simpleLogger.showThreadName", "false");
        setDefaultProperty("org.slf4j.simpleLogger.logFile", "System.err");
        setDefaultProperty(
            "org.slf4j.simpleLogger.log.org.semanticweb.owlapi.rdf.rdfxml.parser.OWLRDFConsumer", "info");
        System.setErr(new PrintStream(new StderrTap(System.err), true));
        String formatName = "auto";
        boolean dumpAxioms = false;
        String path = null;
        for (int i = 0; i < args.length; i++) {
            if ("--format".equals(args[i]) && i + 1 < args.length) {
                formatName = args[++i];
            } else if ("--axioms".equals(args[i])) {
                dumpAxioms = true;
            } else if (path == null) {
                path = args[i];
            } else {
                System.err.println("usage: DLProfileCheck [--format F] [--axioms] FILE");
                System.exit(1);
            }
        }
        if (path == null) {
            System.err.println("usage: DLProfileCheck [--format F] [--axioms] FILE");
            System.exit(1);
        }
        OWLDocumentFormat format;
        try {
            format = formatFor(formatName);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        File file = new File(path);
        try {
            System.exit(run(file, format, dumpAxioms));
        } catch (Throwable t) {
            emit("ERROR", t.getClass().getSimpleName(), String.valueOf(t.getMessage()));
            t.printStackTrace();
            System.exit(3);
        }
    }

    private static int run(File file, OWLDocumentFormat format, boolean dumpAxioms) {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // Protege loads leniently (strict off) and keeps going when an import is
        // missing; do the same, but report the missing imports.
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setStrict(false)
            .setReportStackTraces(false)
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        List<String[]> missingImports = new ArrayList<>();
        manager.addMissingImportListener(event -> missingImports.add(new String[] {
            "MISSING_IMPORT", event.getImportedOntologyURI().toString(),
            String.valueOf(event.getCreationException().getMessage())}));

        FileDocumentSource source = format == null ? new FileDocumentSource(file)
            : new FileDocumentSource(file, format);
        OWLOntology ont;
        try {
            ont = manager.loadOntologyFromOntologyDocument(source, config);
        } catch (UnparsableOntologyException e) {
            Map<OWLParser, OWLParserException> errors = e.getExceptions();
            if (errors.isEmpty()) {
                emit("PARSE_ERROR", "-", String.valueOf(e.getMessage()));
            }
            for (Map.Entry<OWLParser, OWLParserException> entry : errors.entrySet()) {
                String message = String.valueOf(entry.getValue().getMessage());
                // Rio parsers whose format jar is not on the class path fail with
                // "Did not recognise RDF format"; that says nothing about the
                // document, so leave it out of the report.
                if (message.contains("UnsupportedRDFormatException")) {
                    continue;
                }
                emit("PARSE_ERROR", entry.getKey().getClass().getSimpleName(),
                    message);
            }
            return 2;
        } catch (OWLOntologyCreationException e) {
            emit("PARSE_ERROR", e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            return 2;
        }

        OWLDocumentFormat loadedFormat = ont.getFormat();
        emit("FORMAT", loadedFormat == null ? "unknown" : loadedFormat.getKey());
        emit("ONTOLOGY", ont.getOntologyID().getOntologyIRI()
            .map(Object::toString).orElse("anonymous"));

        System.err.flush();
        Set<String> unparsed = new TreeSet<>(LOGGED_UNPARSED);
        OWLOntologyLoaderMetaData meta =
            loadedFormat == null ? null : loadedFormat.getOntologyLoaderMetaData().orElse(null);
        if (meta != null) {
            // Kept in case a later OWL API fills the metadata in; RDFTriple's
            // toString uses the same "s -> p -> o" shape as the log line.
            meta.getUnparsedTriples().map(Object::toString).forEach(unparsed::add);
        }
        for (String t : unparsed) {
            emit("UNPARSED", t);
        }
        ont.signature().map(e -> e.getIRI().toString()).filter(i -> i.startsWith(ERROR_IRI_PREFIX))
            .distinct().sorted().forEach(i -> emit("ERROR_ENTITY", i));
        if (meta != null) {
            meta.getGuessedDeclarations().entries().stream()
                .map(en -> en.getKey() + "\t" + en.getValue().getSimpleName())
                .sorted()
                .forEach(s -> {
                    String[] parts = s.split("\t", 2);
                    emit("GUESSED", parts[0], parts[1]);
                });
        }
        for (String[] mi : missingImports) {
            emit(mi);
        }

        if (dumpAxioms) {
            ont.axioms().map(Object::toString).sorted().forEach(a -> emit("AXIOM", a));
        }

        OWLProfileReport report = new OWL2DLProfile().checkOntology(ont);
        List<OWLProfileViolation> violations = report.getViolations();
        for (OWLProfileViolation v : violations) {
            emit("VIOLATION", v.getClass().getSimpleName(), v.toString());
        }
        emit("SIGNATURE",
            "classes=" + ont.classesInSignature().count()
            + " objectProperties=" + ont.objectPropertiesInSignature().count()
            + " dataProperties=" + ont.dataPropertiesInSignature().count()
            + " annotationProperties=" + ont.annotationPropertiesInSignature().count()
            + " individuals=" + ont.individualsInSignature().count()
            + " datatypes=" + ont.datatypesInSignature().count());
        emit("AXIOMS", Integer.toString(ont.getAxiomCount()));
        emit("VIOLATIONS", Integer.toString(violations.size()));
        return 0;
    }
}
