package dev.onramp.bench.crash;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.onramp.schemas.SessionOutcome;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.generic.GenericData;

/**
 * The next release of a public contract, built for a run: {@code SessionOutcome} with one more optional field (a
 * FULL_TRANSITIVE change, as every contract change must be), generated and compiled into a directory that goes in
 * front of an instance's class path. An instance started on it is "the new build": it registers and writes the new
 * version and reads both.
 */
final class EvolvedContract {
    /** The field the new release adds. */
    static final String NEW_FIELD = "settlement_reference";

    private EvolvedContract() {
    }

    /** The new release's schema of the record. */
    static Schema schema() {
        Schema current = SessionOutcome.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        Schema.Field added = new Schema.Field(NEW_FIELD, Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "The platform's reference for the settlement; null until the platform sets one.", JsonProperties.NULL_VALUE);
        added.addProp("privacy", "none");
        fields.add(added);
        Schema evolved = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        current.getObjectProps().forEach(evolved::addProp);
        return evolved;
    }

    /** Generates and compiles the evolved record into {@code dir}; returns the directory of its classes. */
    static Path build(Path dir) throws IOException {
        Schema current = SessionOutcome.getClassSchema();
        Schema evolved = schema();
        Path sources = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        SpecificCompiler compiler = new SpecificCompiler(evolved);
        compiler.setStringType(GenericData.StringType.String);
        compiler.setFieldVisibility(SpecificCompiler.FieldVisibility.PRIVATE);
        compiler.compileToDestination(null, sources.toFile());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", ChildClassPath.get(), "-nowarn", "-proc:none"));
        try (Stream<Path> files = Files.walk(sources)) {
            // Only the record itself: the types it names (enums, nested records) are the current build's, unchanged.
            files.filter(p -> p.getFileName().toString().equals(current.getName() + ".java")).map(Path::toString).forEach(args::add);
        }
        int exit = javac.run(null, null, System.err, args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("the evolved contract did not compile (javac exit " + exit + ")");
        }
        return classes;
    }

    /** The class path of an instance on the new build. */
    static String classPath(Path classes) {
        return classes + File.pathSeparator + ChildClassPath.get();
    }
}
