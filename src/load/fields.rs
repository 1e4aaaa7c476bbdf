//! The case's free-text fields, listed once: which hold the expert's own Markdown (for the
//! checks, the loader of file-backed fields and the assembly), and every text there is (for
//! anonymising a sample).

use super::case::Case;
use super::prose::Prose;

impl Case {
    /// The fields that hold the expert's own text, as Markdown, in the order the case file
    /// is usually written, each with the name check messages give it.
    pub fn markdown_fields(&self) -> Vec<(String, &Prose)> {
        let mut fields: Vec<(String, &Prose)> = Vec::new();
        if let Some(q) = self.expert.as_ref().and_then(|e| e.qualifications.as_ref()) {
            fields.push(("expert.qualifications".into(), q));
        }
        for (i, question) in self.questions.iter().enumerate() {
            fields.push((format!("questions[{i}].answer"), &question.answer));
        }
        let methodology = &self.methodology;
        fields.extend(
            methodology
                .approach
                .iter()
                .map(|p| ("methodology.approach".into(), p)),
        );
        fields.extend(
            methodology
                .own_knowledge
                .iter()
                .map(|p| ("methodology.own_knowledge".into(), p)),
        );
        for (topic, text) in &self.analysis {
            fields.push((format!("analysis.{topic}"), text));
        }
        for (i, position) in self.country_guidance.iter().enumerate() {
            fields.push((format!("country_guidance[{i}].reasons"), &position.reasons));
        }
        let opinion = &self.opinion;
        fields.push(("opinion.conclusions".into(), &opinion.conclusions));
        fields.push(("opinion.range_of_opinion".into(), &opinion.range_of_opinion));
        fields.push(("opinion.risk_on_return".into(), &opinion.risk_on_return));
        fields.push(("opinion.limitations".into(), &opinion.limitations));
        for (i, point) in self.points.iter().enumerate() {
            fields.push((format!("points[{i}].response"), &point.response));
        }
        fields
    }

    /// [`Case::markdown_fields`], to change.
    pub(super) fn markdown_fields_mut(&mut self) -> Vec<(String, &mut Prose)> {
        let mut fields: Vec<(String, &mut Prose)> = Vec::new();
        if let Some(q) = self.expert.as_mut().and_then(|e| e.qualifications.as_mut()) {
            fields.push(("expert.qualifications".into(), q));
        }
        for (i, question) in self.questions.iter_mut().enumerate() {
            fields.push((format!("questions[{i}].answer"), &mut question.answer));
        }
        let methodology = &mut self.methodology;
        if let Some(p) = methodology.approach.as_mut() {
            fields.push(("methodology.approach".into(), p));
        }
        if let Some(p) = methodology.own_knowledge.as_mut() {
            fields.push(("methodology.own_knowledge".into(), p));
        }
        for (topic, text) in self.analysis.iter_mut() {
            fields.push((format!("analysis.{topic}"), text));
        }
        for (i, position) in self.country_guidance.iter_mut().enumerate() {
            fields.push((
                format!("country_guidance[{i}].reasons"),
                &mut position.reasons,
            ));
        }
        let opinion = &mut self.opinion;
        fields.push(("opinion.conclusions".into(), &mut opinion.conclusions));
        fields.push((
            "opinion.range_of_opinion".into(),
            &mut opinion.range_of_opinion,
        ));
        fields.push(("opinion.risk_on_return".into(), &mut opinion.risk_on_return));
        fields.push(("opinion.limitations".into(), &mut opinion.limitations));
        for (i, point) in self.points.iter_mut().enumerate() {
            fields.push((format!("points[{i}].response"), &mut point.response));
        }
        fields
    }

    /// Every free-text string of the case, for rewriting (anonymisation). Ids and choices
    /// (country, topics, profile tags, jurisdiction) are not text and are left out.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        let mut texts: Vec<&mut String> = vec![&mut self.report.reference];
        texts.extend(self.report.appeal_number.as_mut());
        if let Some(expert) = self.expert.as_mut() {
            texts.push(&mut expert.name);
            texts.extend(expert.credentials.as_mut());
            texts.extend(expert.affiliation.as_mut());
            texts.extend(expert.contact.as_mut());
            texts.extend(expert.qualifications.as_mut().map(|q| &mut q.text));
        }
        let instructing = &mut self.instructing;
        texts.push(&mut instructing.firm);
        texts.push(&mut instructing.solicitor);
        texts.extend(instructing.reference.as_mut());
        texts.extend(instructing.instructions.iter_mut().map(|i| &mut i.summary));
        let applicant = &mut self.applicant;
        texts.push(&mut applicant.name);
        for field in [
            &mut applicant.nationality,
            &mut applicant.ethnicity,
            &mut applicant.religion,
            &mut applicant.gender,
            &mut applicant.tribunal_name,
        ] {
            texts.extend(field.as_mut());
        }
        for question in &mut self.questions {
            texts.push(&mut question.question);
            texts.push(&mut question.answer.text);
        }
        let methodology = &mut self.methodology;
        texts.extend(methodology.approach.as_mut().map(|p| &mut p.text));
        texts.extend(methodology.own_knowledge.as_mut().map(|p| &mut p.text));
        texts.extend(methodology.documents.iter_mut());
        texts.extend(self.analysis.values_mut().map(|p| &mut p.text));
        let opinion = &mut self.opinion;
        texts.extend([
            &mut opinion.conclusions.text,
            &mut opinion.range_of_opinion.text,
            &mut opinion.risk_on_return.text,
            &mut opinion.limitations.text,
        ]);
        texts.extend(
            self.country_guidance
                .iter_mut()
                .map(|p| &mut p.reasons.text),
        );
        for translation in &mut self.translations {
            texts.push(&mut translation.document);
            texts.push(&mut translation.text);
            let translator = &mut translation.translator;
            texts.extend([
                &mut translator.name,
                &mut translator.address,
                &mut translator.phone,
            ]);
        }
        texts
    }
}
