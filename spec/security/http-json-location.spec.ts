import 'reflect-metadata';
import { expect } from 'chai';
import type { Express } from 'express';
import { FastapiRoutes } from '../http/controllers';
import { client, EXPRESS_MAJORS, makeApp, makeService } from '../http/helpers';

// A cross-site page can post a form (urlencoded or multipart, no preflight) with the victim's cookie
// attached. Were a parsed form field read as the `json` location, it would win over the cookie and
// skip the CSRF check, which only cookie-borne tokens need: only a JSON body counts as `json`.
for (const major of EXPRESS_MAJORS) {
  describe(`security: the json location reads JSON bodies only (${major.name})`, () => {
    const auth = makeService({ tokenLocation: ['headers', 'json', 'cookies'] });
    const parsers = (app: Express): void => {
      const express = (major.name === 'express 4' ? require('express') : require('express5')) as {
        json: (options?: object) => never;
        urlencoded: (options: object) => never;
        text: (options?: object) => never;
      };
      app.use(express.json({ type: ['application/json', 'application/*+json'] }));
      app.use(express.urlencoded({ extended: false }));
      app.use(express.text({ type: 'text/*' }));
    };
    const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, setup: parsers }));
    let alice: string;
    let mallory: string;
    let csrf: string;

    before(async () => {
      alice = await auth.createAccessToken({ subject: 'alice' });
      mallory = await auth.createAccessToken({ subject: 'mallory' });
      csrf = (await auth.verifyToken(alice)).claims.csrf as string;
    });

    it('a form field does not win over the cookie: the cookie token is read and CSRF-checked', async () => {
      const response = await http
        .post('/fa/json_or_cookie')
        .set('Cookie', `access_token_cookie=${alice}`)
        .type('form')
        .send({ access_token: mallory });
      expect(response.status).to.equal(401);
      expect(response.body.code).to.equal('csrf_failed');
    });

    it('a form field alone is no token', async () => {
      const response = await http.post('/fa/json_or_cookie').type('form').send({ access_token: mallory });
      expect(response.status).to.equal(401);
      expect(response.body.code).to.equal('token_missing');
    });

    it('a JSON body (application/json or +json) is still read, parsed already or not', async () => {
      for (const type of ['application/json', 'application/vnd.api+json', 'application/json; charset=utf-8']) {
        const response = await http.post('/fa/json_or_cookie').set('Content-Type', type).send(JSON.stringify({ access_token: alice }));
        expect(response.status, type).to.equal(200);
        expect(response.body.subject).to.equal('alice');
      }
    });

    it('the cookie with its CSRF header still works beside a form body', async () => {
      const response = await http
        .post('/fa/json_or_cookie')
        .set('Cookie', `access_token_cookie=${alice}`)
        .set('X-CSRF-Token', csrf)
        .type('form')
        .send({ access_token: mallory });
      expect(response.status).to.equal(200);
      expect(response.body.subject).to.equal('alice');
    });
  });
}
